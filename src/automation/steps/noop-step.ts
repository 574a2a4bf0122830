import type { z } from 'zod';
import type { StepType } from '../types.js';
import { stepParams } from './common.js';

const params = stepParams('noop', {});

/** Does nothing: a placeholder while designing a scenario, and the yardstick of runner overhead. */
export const noopStep: StepType<z.infer<typeof params>> = {
  type: 'noop',
  label: 'Do nothing',
  params,
  async run() {
    return {};
  },
};

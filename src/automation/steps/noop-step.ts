import { z } from 'zod';
import { defineStep } from './define-step.js';

/** Does nothing: a placeholder while designing a scenario, and the yardstick of runner overhead. */
export const noopStep = defineStep('noop', {
  label: 'Do nothing',
  params: z.object({}),
  examples: [
    { title: 'A placeholder for a step still to be written', params: { name: 'Publish the nightly report (to do)' } },
  ],
  run() {
    return Promise.resolve({});
  },
});

import type { z } from 'zod';
import type { TriggerType } from '../types.js';
import { triggerParams } from './common.js';

const params = triggerParams('manual', {});

/** Runs only when someone asks (UI, API, CLI). Every scenario can be run by hand; this documents the intent. */
export const manualTrigger: TriggerType<z.infer<typeof params>> = {
  type: 'manual',
  label: 'Manual',
  kind: 'manual',
  params,
  describe: () => 'manual',
};

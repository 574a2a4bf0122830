import { z } from 'zod';
import { defineTrigger } from './define-trigger.js';

/** Runs only when someone asks (UI, API, CLI). Every scenario can be run by hand; this documents the intent. */
export const manualTrigger = defineTrigger('manual', {
  label: 'Manual',
  kind: 'request',
  via: 'manual',
  params: z.object({}),
  examples: [{ title: 'Run by hand only, e.g. a reprocessing after a receiver swap', params: {} }],
  describe: () => 'manual',
});

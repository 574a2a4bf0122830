import { createRegistry } from '../../common/registry.js';
import type { TriggerType } from '../types.js';
import { datasetChangedTrigger } from './dataset-changed-trigger.js';
import { fileChangedTrigger } from './file-changed-trigger.js';
import { manualTrigger } from './manual-trigger.js';
import { scenarioEndedTrigger } from './scenario-ended-trigger.js';
import { sqlChangedTrigger } from './sql-changed-trigger.js';
import { timeTrigger } from './time-trigger.js';
import { webhookTrigger } from './webhook-trigger.js';

/** Every trigger type. Adding a type = adding a file (`defineTrigger`) and one line here. */
export const triggerTypes = createRegistry<TriggerType>('trigger type', [
  timeTrigger,
  datasetChangedTrigger,
  fileChangedTrigger,
  sqlChangedTrigger,
  scenarioEndedTrigger,
  webhookTrigger,
  manualTrigger,
]);

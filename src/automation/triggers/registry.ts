import { badRequest } from '../../common/errors.js';
import type { TriggerType } from '../types.js';
import { datasetChangedTrigger } from './dataset-changed-trigger.js';
import { fileChangedTrigger } from './file-changed-trigger.js';
import { manualTrigger } from './manual-trigger.js';
import { scenarioEndedTrigger } from './scenario-ended-trigger.js';
import { sqlChangedTrigger } from './sql-changed-trigger.js';
import { timeTrigger } from './time-trigger.js';
import { webhookTrigger } from './webhook-trigger.js';

/** Every trigger type. Adding a type = adding a file and one line here. */
export const triggerTypes: TriggerType[] = [timeTrigger, datasetChangedTrigger, fileChangedTrigger, sqlChangedTrigger, scenarioEndedTrigger, webhookTrigger, manualTrigger];

export function findTriggerType(type: unknown): TriggerType | undefined {
  return triggerTypes.find((t) => t.type === type);
}

export function triggerType(type: string): TriggerType {
  const t = findTriggerType(type);
  if (!t) throw badRequest(`unknown trigger type ${JSON.stringify(type)}; known: ${triggerTypes.map((x) => x.type).join(', ')}`);
  return t;
}

import { badRequest } from '../../common/errors.js';
import type { StepType } from '../types.js';
import { buildStep } from './build-step.js';
import { computeMetricsStep } from './compute-metrics-step.js';
import { httpStep } from './http-step.js';
import { noopStep } from './noop-step.js';
import { reportStep } from './report-step.js';
import { runChecksStep } from './run-checks-step.js';
import { runScenarioStep } from './run-scenario-step.js';
import { setVariableStep } from './set-variable-step.js';
import { sqlStep } from './sql-step.js';

/** Every step type. Adding a type = adding a file and one line here. */
export const stepTypes: StepType[] = [buildStep, computeMetricsStep, runChecksStep, sqlStep, runScenarioStep, setVariableStep, httpStep, reportStep, noopStep];

export function findStepType(type: unknown): StepType | undefined {
  return stepTypes.find((s) => s.type === type);
}

export function stepType(type: string): StepType {
  const s = findStepType(type);
  if (!s) throw badRequest(`unknown step type ${JSON.stringify(type)}; known: ${stepTypes.map((x) => x.type).join(', ')}`);
  return s;
}

import { createRegistry } from '../../common/registry.js';
import type { StepType } from '../types.js';
import { buildStep } from './build-step.js';
import { codeStep } from './code-step.js';
import { computeMetricsStep } from './compute-metrics-step.js';
import { detectOnlineStep } from './detect-online-step.js';
import { httpStep } from './http-step.js';
import { loadIncrementStep } from './load-increment-step.js';
import { noopStep } from './noop-step.js';
import { reportStep } from './report-step.js';
import { runChecksStep } from './run-checks-step.js';
import { runScenarioStep } from './run-scenario-step.js';
import { setVariableStep } from './set-variable-step.js';
import { sqlStep } from './sql-step.js';

/** Every step type. Adding a type = adding a file (`defineStep`) and one line here. */
export const stepTypes = createRegistry<StepType>('step type', [
  buildStep,
  computeMetricsStep,
  runChecksStep,
  sqlStep,
  runScenarioStep,
  setVariableStep,
  httpStep,
  reportStep,
  noopStep,
  detectOnlineStep,
  loadIncrementStep,
  codeStep,
]);

import { registerHistoryKind } from '../flow/history.js';
import { installQuality } from '../quality/build-validator.js';
import { SCENARIO_KIND } from './kinds.js';
import { saveVariables, VARIABLES_KIND } from './project-variables.js';
import { saveScenario } from './scenarios-service.js';
import { installSystemDatasets } from './system-datasets.js';

let installed = false;

/**
 * Plugs automation and quality into the layers below: scenario and variable history (revert
 * goes through the same validation as an edit), post-build checks, run/check system datasets.
 * Called by the server and by workspace bootstrap; idempotent.
 */
export function installAutomation(): void {
  if (installed) return;
  installed = true;
  registerHistoryKind(SCENARIO_KIND, saveScenario);
  registerHistoryKind(VARIABLES_KIND, saveVariables);
  installQuality();
  installSystemDatasets();
}

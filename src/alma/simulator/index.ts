/** The ALMA observatory data simulator: public API. */
export { simulate, type SimulationProgress, type SimulationResult } from './simulate.js';
export { Simulation, type DayBatch, type StaticTables } from './generate.js';
export {
  simulationOptionsSchema,
  resolveOptions,
  type SimulationOptions,
  type SimulationOptionsInput,
  type ResolvedOptions,
} from './options.js';
export { TrecPlan } from './trec-batch.js';
export { TrecRows, expandTrecPlan } from './trec-expand.js';
export { ROW_TABLES, TABLE_NAMES, TREC_TABLE_NAME } from './tables.js';
export { demoRecipes, type DemoRecipe } from './demo-recipes.js';
export type { WrittenTable } from './writer.js';

/** Catalog object kind of scenarios. */
export const SCENARIO_KIND = 'scenario';

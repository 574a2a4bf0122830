export function webBuildIsStale(): boolean;
export function buildWebIfStale(options?: { quiet?: boolean }): Promise<boolean>;

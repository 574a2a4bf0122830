/** When a durable piece of work (a build job, a scenario run) was created, ran and ended, as the API names it. */
export interface WorkTimes {
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  error: string | null;
}

/** The time columns jobs and scenario runs share, mapped once; each table says how it knows the duration. */
export function workTimes(row: { created_at: string; started_at: string | null; ended_at: string | null; error: string | null }, durationMs: number | null): WorkTimes {
  return { createdAt: row.created_at, startedAt: row.started_at, endedAt: row.ended_at, durationMs, error: row.error };
}

/** What every durable piece of work (a build job, a scenario run) records: which, when it was created, ran and ended, and why it failed. */
export interface WorkRecord {
  id: string;
  projectKey: string;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  error: string | null;
}

/** The columns jobs and scenario runs share, mapped once; each table says how it knows the duration. */
export function workRecord(
  row: {
    id: string;
    project_key: string;
    created_at: string;
    started_at: string | null;
    ended_at: string | null;
    error: string | null;
  },
  durationMs: number | null,
): WorkRecord {
  return {
    id: row.id,
    projectKey: row.project_key,
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    durationMs,
    error: row.error,
  };
}

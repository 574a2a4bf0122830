import { createHash } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { AnomalyLikelihoodState } from '../analytics/index.js';
import { badRequest } from '../common/errors.js';
import { nowIso } from '../common/ids.js';
import type { Workspace } from '../workspace/workspace.js';

/** What is kept per series between runs: the newest order value fed, and the detector. */
export interface SeriesState {
  /** Order key of the last row fed (number: epoch µs or the numeric value; string: text order). */
  highWater: number | string;
  /** The order value of that row as text, for messages (absent in states saved before it was kept). */
  highWaterAt?: string;
  /** The last rows fed, oldest first (order value as text, value), as many as the detector's recent window. */
  recent?: [string, number][];
  detector: AnomalyLikelihoodState;
}

/**
 * The settings the states of a detector mean something under: which rows make a series and in
 * which order. States saved under other settings are not reused (their series or high-water
 * marks would be wrong). The false-alarm rate is not among them: it only moves the threshold, so
 * a new one applies from the next row on.
 */
export interface DetectorSettings {
  dataset: string;
  groupBy: string[];
  orderBy: string;
  column: string;
  /** How the order column compares: 'time' (epoch µs), 'number' or 'text'. */
  orderKind: string;
}

/** What a detector's catalog rows hold besides the series: the file of rows seen and the settings. */
export interface DetectorMeta {
  seenRows: string | null;
  /** Absent in states saved before the settings were kept: those are taken as the current ones. */
  settings: DetectorSettings | null;
}

/**
 * The detector_state row holding the {@link DetectorMeta} instead of a series: series keys are
 * JSON arrays, never empty.
 */
export const META_SERIES = '';

/** Upserts per statement: SQLite binds at most 32,766 parameters, six a row. */
const STATES_PER_INSERT = 500;

export async function loadStates(
  ws: Workspace,
  projectKey: string,
  scenario: string,
  detector: string,
): Promise<{ states: Map<string, SeriesState>; meta: DetectorMeta }> {
  const rows = await ws.catalog.db
    .selectFrom('detector_state')
    .select(['series', 'state'])
    .where('project_key', '=', projectKey)
    .where('scenario', '=', scenario)
    .where('detector', '=', detector)
    .execute();
  const parse = (series: string, text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw badRequest(
        `The saved state of ${series === META_SERIES ? 'detector' : `series ${series} of detector`} ${detector} is not JSON ` +
          `(${(err as Error).message}); delete the scenario and save it again to start its detectors over`,
      );
    }
  };
  const states = new Map(rows.map((r) => [r.series, parse(r.series, r.state)]));
  const meta = states.get(META_SERIES) as { seenRows?: unknown; settings?: DetectorSettings } | undefined;
  states.delete(META_SERIES);
  return {
    states: states as Map<string, SeriesState>,
    meta: {
      seenRows: typeof meta?.seenRows === 'string' ? meta.seenRows : null,
      settings: meta?.settings ?? null,
    },
  };
}

/**
 * Saves the states of the series fed and the meta row, in one transaction, a few hundred rows
 * per statement (a run with one new row in each of thousands of series saves thousands).
 * `replace` first drops every saved state of the detector (settings changed: they start over).
 */
export async function saveStates(
  ws: Workspace,
  target: { projectKey: string; scenario: string; detector: string },
  states: Map<string, SeriesState>,
  meta: DetectorMeta,
  replace: boolean,
): Promise<void> {
  const { projectKey, scenario, detector } = target;
  const updated_at = nowIso();
  const rows = [...states, [META_SERIES, meta] as const].map(([series, state]) => ({
    project_key: projectKey,
    scenario,
    detector,
    series,
    state: JSON.stringify(state),
    updated_at,
  }));
  await ws.catalog.db.transaction().execute(async (trx) => {
    if (replace)
      await trx
        .deleteFrom('detector_state')
        .where('project_key', '=', projectKey)
        .where('scenario', '=', scenario)
        .where('detector', '=', detector)
        .execute();
    for (let i = 0; i < rows.length; i += STATES_PER_INSERT)
      await trx
        .insertInto('detector_state')
        .values(rows.slice(i, i + STATES_PER_INSERT))
        .onConflict((oc) =>
          oc.columns(['project_key', 'scenario', 'detector', 'series']).doUpdateSet((eb) => ({
            state: eb.ref('excluded.state'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
  });
}

/**
 * Where a detector keeps the rows it has seen (every input row its last run read: series, order
 * key, order value, value), to tell a late row from one seen before: files beside the project's
 * datasets (deleted with the project), named by a hash of scenario and detector, then the run
 * that wrote them. The one in use is named in the meta row.
 */
export function seenRowsPrefix(projectKey: string, scenarioId: string, detector: string): string {
  const name = createHash('sha256').update(`${scenarioId}\0${detector}`).digest('hex').slice(0, 32);
  return path.join('data', projectKey, '.detectors', `seen-${name}`);
}

/**
 * Removes the detector's files of rows seen but `kept` (none when null): the one the last run
 * read, and any left by a crash between writing one and saving the states. Runs of one detector
 * take turns (see detector-claims.ts), so no other run is writing one meanwhile.
 */
export function removeSeenRows(ws: Workspace, prefix: string, kept: string | null): void {
  const folder = path.dirname(ws.resolve(prefix));
  if (!existsSync(folder)) return;
  const start = path.basename(prefix);
  for (const name of readdirSync(folder))
    if (name.startsWith(`${start}-`) && (kept === null || name !== path.basename(kept)))
      rmSync(path.join(folder, name), { force: true });
}

/**
 * Forgets the detectors of a scenario (states and files of rows seen) but those named in `keep`:
 * when the scenario is deleted (keep none), or saved without a step it had (a detector's name
 * changes with its dataset, column or output).
 */
export async function forgetDetectors(
  ws: Workspace,
  projectKey: string,
  scenario: string,
  keep: string[] = [],
): Promise<void> {
  const db = ws.catalog.db;
  const gone = (
    await db
      .selectFrom('detector_state')
      .select('detector')
      .distinct()
      .where('project_key', '=', projectKey)
      .where('scenario', '=', scenario)
      .execute()
  )
    .map((r) => r.detector)
    .filter((d) => !keep.includes(d));
  if (gone.length === 0) return;
  await db
    .deleteFrom('detector_state')
    .where('project_key', '=', projectKey)
    .where('scenario', '=', scenario)
    .where('detector', 'in', gone)
    .execute();
  for (const detector of gone) removeSeenRows(ws, seenRowsPrefix(projectKey, scenario, detector), null);
}

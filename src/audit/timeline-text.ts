import type { Selectable } from 'kysely';
import type { CatalogTables } from '../catalog/tables.js';
import type { TimelineItem } from './timeline-types.js';

/** Past tense of the verbs actions end in; an unknown verb is shown as the action itself. */
const PAST: Record<string, string> = {
  create: 'created',
  update: 'updated',
  delete: 'deleted',
  revert: 'reverted',
  run: 'ran',
  abort: 'aborted',
  upload: 'uploaded data to',
  restore: 'restored a version of',
  read: 'read',
  export: 'exported',
  stats: 'computed statistics of',
  preview: 'previewed',
  test: 'tested',
  import: 'imported',
  compute: 'computed metrics of',
};

export function auditItem(r: Selectable<CatalogTables['audit_log']>): TimelineItem {
  const [kind, ...verbs] = r.action.split('.');
  const verb = verbs[verbs.length - 1] ?? '';
  const who = r.actor ?? 'someone';
  const object = r.object_name ? `${r.object_kind ?? kind} ${r.object_name}` : (r.object_kind ?? kind);
  const detail = r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : {};
  const format = typeof detail.format === 'string' ? ` as ${detail.format}` : '';
  const what = verb === 'read' && format ? 'downloaded' : (PAST[verb] ?? r.action);
  const via = r.via === 'cli' || r.via === 'scenario' ? ` (via ${r.via})` : '';
  return {
    at: r.at,
    actor: r.actor,
    project: r.project,
    source: 'audit',
    text: `${who} ${what} ${object}${format}${via}`,
    object: r.object_name ? { kind: r.object_kind ?? kind, name: r.object_name } : null,
  };
}

const REVISION_PAST: Record<string, string> = {
  create: 'created',
  update: 'updated',
  delete: 'deleted',
  revert: 'reverted',
};

export function revisionItem(r: Selectable<CatalogTables['revisions']>): TimelineItem {
  return {
    at: r.created_at,
    actor: r.author,
    project: r.project_key,
    source: 'revision',
    text: `${r.author} ${REVISION_PAST[r.action] ?? r.action} ${r.kind} ${r.name} (rev ${r.revision})`,
    object: { kind: r.kind, name: r.name },
  };
}

export function jobItem(r: Selectable<CatalogTables['jobs']>, at: string): TimelineItem {
  const targets = (JSON.parse(r.targets) as string[]).join(', ');
  const state =
    r.status === 'queued'
      ? 'is queued'
      : r.status === 'running'
        ? 'is running'
        : r.status === 'failed'
          ? 'failed'
          : r.status;
  return {
    at,
    actor: r.created_by,
    project: r.project_key,
    source: 'job',
    text: `build of ${targets || 'nothing'} by ${r.created_by} ${state}`,
    object: null,
    ref: r.id,
  };
}

const RUN_STATE: Record<string, string> = {
  QUEUED: 'is queued',
  RUNNING: 'is running',
  SUCCESS: 'succeeded',
  WARNING: 'ended with warnings',
  FAILED: 'failed',
  ABORTED: 'was aborted',
};

export function runItem(r: Selectable<CatalogTables['scenario_runs']>, at: string): TimelineItem {
  return {
    at,
    actor: `scenario:${r.scenario}`,
    project: r.project_key,
    source: 'run',
    text: `scenario ${r.scenario} ${RUN_STATE[r.outcome] ?? r.outcome} (${r.cause})`,
    object: { kind: 'scenario', name: r.scenario },
    ref: r.id,
  };
}

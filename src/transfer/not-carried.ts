import { PROJECT_TABLES } from '../catalog/projects.js';
import type { Workspace } from '../workspace/workspace.js';
import type { ExportOptions } from './project-export.js';
import type { NotCarried } from './transfer-types.js';

type ProjectTable = (typeof PROJECT_TABLES)[number];

/** A table an export leaves out: what to call it and what to do about it after an import. */
interface LeftOut {
  what: string;
  note: string;
}

/**
 * What an export does with each table of a project (every one of `PROJECT_TABLES`, so a new
 * table cannot be forgotten): `carried` (project-export.ts writes it), `derived` (an import makes
 * it again, or it only lives while work runs), or left out with a note the export lists in
 * project.json's `notCarried` when the project has rows there.
 */
const TABLES: Record<ProjectTable, 'carried' | 'derived' | LeftOut> = {
  objects: 'carried',
  // Without `revisions`, history is listed below (`revisionsLeftOut`).
  revisions: 'carried',
  // Users by name, with their roles; fine rights are listed below (`rightsLeftOut`).
  members: 'carried',
  dataset_state: 'carried',
  // The current version of each dataset (with `data`); older ones are listed below (`olderVersions`).
  dataset_versions: 'carried',
  dataset_partitioning: 'carried',
  dataset_version_partitions: 'carried',
  wiki_attachments: 'carried',
  discussions: 'carried',
  discussion_messages: 'carried',
  search_index: 'derived',
  build_claims: 'derived',
  detector_claims: 'derived',
  jobs: { what: 'job-history', note: 'Build jobs and their logs stay on the exporting server.' },
  scenario_runs: { what: 'scenario-runs', note: 'Scenario run history stays on the exporting server.' },
  trigger_fires: { what: 'trigger-fires', note: 'Which trigger instants fired stays on the exporting server.' },
  trigger_state: {
    what: 'trigger-state',
    note: 'Triggers start afresh: time triggers fire from the import on, polled triggers read their source again.',
  },
  dataset_metrics: { what: 'metrics-history', note: 'Computed metrics are not exported: compute them again.' },
  check_results: { what: 'check-results', note: 'Check results are not exported: run the checks again.' },
  detector_state: {
    what: 'detector-state',
    note: 'Online detectors start from nothing: their first run reads their whole input again.',
  },
  partition_builds: {
    what: 'partition-attempts',
    note: "Each partition's last build attempt (state, error) is not exported; its data is.",
  },
  api_keys: { what: 'api-keys', note: 'Project API keys are secrets: create new ones on the target.' },
  api_service_keys: { what: 'api-service-keys', note: 'Caller keys of API services are secrets: issue new ones.' },
  api_deployments: {
    what: 'api-deployments',
    note: 'Deployed API service versions are not exported: deploy the services again.',
  },
  api_active: { what: 'api-active-versions', note: 'Which deployed version answers is not exported: deploy again.' },
  api_requests: { what: 'api-requests', note: 'The API services’ request log stays on the exporting server.' },
  notifications: { what: 'notifications', note: 'Users’ notifications stay on the exporting server.' },
  object_tags: 'carried',
};

async function countRows(ws: Workspace, table: ProjectTable, key: string): Promise<number> {
  const r = await ws.catalog.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('project_key', '=', key)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Older (ready or expired) versions than the current one of each dataset. */
async function olderVersions(ws: Workspace, key: string): Promise<number> {
  const r = await ws.catalog.db
    .selectFrom('dataset_versions as v')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('v.project_key', '=', key)
    .where('v.status', '=', 'ready')
    .where((eb) =>
      eb.not(
        eb.exists(eb.selectFrom('dataset_state as s').select('s.dataset').whereRef('s.current_version', '=', 'v.id')),
      ),
    )
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * What the export of project `key` leaves out, most important first: secrets (the objects whose
 * exported bodies hide some), data the options or storage leave out, then each left-out table
 * the project has rows in. The audit log is the server's, not the project's: it stays, unlisted
 * (it grows with every export, and two exports of an unchanged project must be the same files).
 */
export async function notCarriedOf(
  ws: Workspace,
  key: string,
  facts: { options: ExportOptions; redacted: string[]; dataLeftOut: string[]; dataInDatabase: string[] },
): Promise<NotCarried[]> {
  const out: NotCarried[] = [];
  const add = (n: number, entry: Omit<NotCarried, 'count'>) => {
    if (n > 0) out.push({ ...entry, count: n });
  };
  add(facts.redacted.length, {
    what: 'secrets',
    note: 'Passwords, tokens and webhook secrets are replaced by `********`; an import sets random values: set the real ones again.',
    items: facts.redacted,
  });
  add(facts.dataLeftOut.length, {
    what: 'data',
    note: 'Exported without data: the import has these datasets’ definitions; build or upload their data again.',
    items: facts.dataLeftOut,
  });
  add(facts.dataInDatabase.length, {
    what: 'database-data',
    note: 'Data stored in a SQL database is not exported: build these datasets again on the target.',
    items: facts.dataInDatabase,
  });
  if (facts.options.data)
    add(await olderVersions(ws, key), {
      what: 'older-versions',
      note: 'Only the current version of each dataset is exported.',
    });
  if (!facts.options.revisions)
    add(await countRows(ws, 'revisions', key), {
      what: 'revisions',
      note: 'Exported without revisions: each object starts at revision 1 on the target.',
    });
  const withRights = await ws.catalog.db
    .selectFrom('members')
    .select('username')
    .where('project_key', '=', key)
    .where('rights', '!=', '[]')
    .orderBy('username')
    .execute();
  add(withRights.length, {
    what: 'member-rights',
    note: 'Members’ fine rights (run-scenarios, export-data, manage-dashboards) are not exported: grant them again.',
    items: withRights.map((m) => m.username),
  });
  for (const [table, rule] of Object.entries(TABLES) as [ProjectTable, (typeof TABLES)[ProjectTable]][])
    if (typeof rule === 'object') add(await countRows(ws, table, key), rule);
  return out;
}

/** Shapes of project export and import that the API answers (node-free: the web UI imports them). */

/** Something a project had that its export does not carry, and what to do about it. */
export interface NotCarried {
  /** A short name: `secrets`, `scenario-runs`, … */
  what: string;
  /** How many (objects, rows, keys) the project had. */
  count: number;
  /** Why it is left out and what to do after an import. */
  note: string;
  /** The objects concerned, where that helps (`connection:pg_main`). */
  items?: string[];
}

/** What an import answers (POST /api/projects/import, `llano project import`). */
export interface ImportResult {
  key: string;
  objects: number;
  revisions: number;
  datasetsWithData: number;
  /** Datasets declared partitioned. */
  partitionedDatasets: number;
  attachments: number;
  discussions: number;
  /** Objects whose tags or description are kept beside them (object-tags.json). */
  taggedObjects: number;
  /** Members of the exported project with no account here: not added. */
  skippedMembers: string[];
  /** Authors of attachments and discussions with no account here: kept as the names they were. */
  authorsWithoutAccount: string[];
  /** What the export could not carry (project.json's `notCarried`): to set up again here. */
  notCarried: NotCarried[];
}

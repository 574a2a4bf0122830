/**
 * Notebooks as the API returns them. Node-free (types and constants), so the web UI imports
 * them too.
 */

/** `raw` is Jupyter's raw cell: text kept as written, shown as is, never run. */
export const CELL_TYPES = ['sql', 'typescript', 'python', 'markdown', 'raw'] as const;
export type CellType = (typeof CELL_TYPES)[number];
/** Cell types that hold code (the others, Markdown and raw text, are shown, not run). */
export const CODE_CELL_TYPES = ['sql', 'typescript', 'python'] as const;
export type CodeCellType = (typeof CODE_CELL_TYPES)[number];
export const isCodeCell = (type: CellType): type is CodeCellType =>
  (CODE_CELL_TYPES as readonly string[]).includes(type);
/** Cell types that run in a kernel process (SQL runs in the project's DuckDB sandbox). */
export const KERNEL_LANGUAGES = ['typescript', 'python'] as const;
export type KernelLanguage = (typeof KERNEL_LANGUAGES)[number];

export interface TableColumn {
  name: string;
  type: string;
}

/**
 * What running a cell shows. `text` without `stream` is a value (the cell's last expression);
 * with `stream` it is printed output. A `table` keeps its first rows and says how many there
 * were (`total`); a `chart` is an ECharts option object; an `image` is base64 data.
 */
export type CellOutput =
  | { type: 'text'; text: string; stream?: 'stdout' | 'stderr' }
  | { type: 'table'; columns: TableColumn[]; rows: unknown[][]; total: number }
  | { type: 'chart'; option: Record<string, unknown> }
  | {
      type: 'image';
      mime: 'image/png' | 'image/jpeg' | 'image/svg+xml';
      data: string;
      /** The image's `text/plain` alternative in Jupyter (e.g. `<Figure size 640x480>`), kept for the round trip. */
      text?: string;
    }
  | { type: 'error'; name: string; message: string; traceback: string };

export interface NotebookCell {
  /** Jupyter's cell id (nbformat 4.5), kept from an imported file; export gives cells without one `cell-<n>`. */
  id?: string;
  type: CellType;
  source: string;
  /** Jupyter's cell metadata (tags, collapsed, extensions' own keys), kept as is for the round trip. */
  metadata?: Record<string, unknown>;
  /**
   * Files a Markdown or raw cell embeds (`![](attachment:plot.png)`), as Jupyter stores them: by
   * file name, a MIME bundle of base64 data. Kept for the round trip.
   */
  attachments?: Record<string, Record<string, string | string[]>>;
  outputs?: CellOutput[];
  /** Which run of its kernel session made the outputs (Jupyter's execution count). */
  executionCount?: number | null;
}

/** What a notebook's kernels may use, below the workspace's limits for code (LLANO_CODE_…); never above. */
export interface NotebookLimits {
  memoryMb?: number;
  cpuSeconds?: number;
  wallSeconds?: number;
}

export interface Notebook {
  id: string;
  name: string;
  description?: string;
  limits?: NotebookLimits;
  /** A Python code environment of the project (its virtual environment) for its Python kernels; unset: the machine's Python. */
  environment?: string;
  /**
   * The notebook-level metadata of an imported Jupyter file (kernelspec, language_info, any other
   * key, e.g. jupytext's), kept for the round trip; Llano's own `llano` keys are not in it.
   */
  metadata?: Record<string, unknown>;
  cells: NotebookCell[];
}

export interface NotebookInfo extends Notebook {
  projectKey: string;
  revision: number;
  updatedAt: string;
  updatedBy: string;
}

/** The answer of running one cell. */
export interface CellRun {
  index: number;
  type: CellType;
  outputs: CellOutput[];
  executionCount: number | null;
  durationMs: number;
  /** The notebook's revision when the outputs were saved with it (`save: true`). */
  revision?: number;
}

/** Rows of a table output kept in a saved notebook; the run itself answers up to `TABLE_RUN_ROWS`. */
export const TABLE_SAVED_ROWS = 200;
export const TABLE_RUN_ROWS = 1000;

import { z } from 'zod';
import { badRequest } from '../common/errors.js';
import { parseOr400 } from '../common/parse.js';
import { AttachmentsSchema, CELL_ID, MultilineText } from './notebook-schema.js';
import { CELL_TYPES, type CellOutput, type CellType, type Notebook, type NotebookCell } from './notebook-types.js';

/**
 * Jupyter notebooks (nbformat 4) in and out. SQL cells start with the `%%sql` magic, as Jupyter's
 * SQL extensions write them; a code cell in another language than the notebook's kernel carries it
 * in `metadata.llano.language`. Cell ids, cell metadata (tags, collapsed, anything else, kept
 * opaque), Markdown and raw cells' attachments, raw cells and the notebook's own metadata
 * (kernelspec, language_info, other keys) come back out as they came in. Outputs map to stream / execute_result / display_data / error; tables
 * and charts travel as Llano MIME types beside a `text/plain` rendering for Jupyter.
 */

export const TABLE_MIME = 'application/vnd.llano.table+json';
export const CHART_MIME = 'application/vnd.llano.echarts+json';
const IMAGE_MIMES = ['image/png', 'image/jpeg', 'image/svg+xml'] as const;

const MimeBundle = z.record(z.string(), z.unknown());

const OutputSchema = z.discriminatedUnion('output_type', [
  z.looseObject({ output_type: z.literal('stream'), name: z.enum(['stdout', 'stderr']), text: MultilineText }),
  z.looseObject({
    output_type: z.literal('execute_result'),
    execution_count: z.number().int().nullable().optional(),
    data: MimeBundle,
  }),
  z.looseObject({ output_type: z.literal('display_data'), data: MimeBundle }),
  z.looseObject({
    output_type: z.literal('error'),
    ename: z.string(),
    evalue: z.string(),
    traceback: z.array(z.string()),
  }),
]);
type IpynbOutput = z.infer<typeof OutputSchema>;

const CellMetadata = z.looseObject({}).optional();
const Attachments = AttachmentsSchema.optional();
const CellId = z.string().regex(CELL_ID, 'must be 1 to 64 letters, digits, - or _ (nbformat 4.5)').optional();
const IpynbCellSchema = z.discriminatedUnion('cell_type', [
  z.looseObject({
    cell_type: z.literal('code'),
    id: CellId,
    source: MultilineText,
    metadata: CellMetadata,
    execution_count: z.number().int().nullable().optional(),
    outputs: z.array(OutputSchema),
  }),
  z.looseObject({
    cell_type: z.literal('markdown'),
    id: CellId,
    source: MultilineText,
    metadata: CellMetadata,
    attachments: Attachments,
  }),
  z.looseObject({
    cell_type: z.literal('raw'),
    id: CellId,
    source: MultilineText,
    metadata: CellMetadata,
    attachments: Attachments,
  }),
]);

const IpynbSchema = z.looseObject({
  nbformat: z.literal(4, {
    error: 'must be 4: Llano reads nbformat 4 (jupyter nbconvert --to notebook upgrades older files)',
  }),
  nbformat_minor: z.number().int().min(0),
  metadata: z.looseObject({
    kernelspec: z.looseObject({ name: z.string().optional(), language: z.string().optional() }).optional(),
    language_info: z.looseObject({ name: z.string().optional() }).optional(),
    llano: z.looseObject({ id: z.string().optional(), name: z.string().optional() }).optional(),
  }),
  cells: z.array(IpynbCellSchema),
});
export type Ipynb = z.infer<typeof IpynbSchema>;

const joined = (text: string | string[]) => (Array.isArray(text) ? text.join('') : text);
/** Jupyter's way of storing multiline text: lines keeping their newline. */
const lines = (text: string) => text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

const SQL_MAGIC = /^%%sql[^\S\n]*(\n|$)/;

/** The kernel languages Llano runs, by the names files give them. */
const KERNEL_LANGUAGES: Record<string, 'python' | 'typescript'> = {
  python: 'python',
  python3: 'python',
  typescript: 'typescript',
  javascript: 'typescript',
};

/** The kernel language of a name (an own key only: "constructor" is no language). */
const kernelOf = (name: string) => (Object.hasOwn(KERNEL_LANGUAGES, name) ? KERNEL_LANGUAGES[name] : undefined);

/** The language a notebook's metadata names for its kernel (kernelspec, else language_info), lowercased. */
function namedLanguage(metadata: Record<string, unknown>): string | undefined {
  // Stored metadata is anything a client saved: read with care.
  const kernel = metadata.kernelspec as { language?: unknown } | null | undefined;
  const info = metadata.language_info as { name?: unknown } | null | undefined;
  const name = kernel?.language ?? info?.name;
  return typeof name === 'string' ? name.toLowerCase() : undefined;
}

function kernelLanguage(ipynb: Ipynb): 'python' | 'typescript' {
  const name = namedLanguage(ipynb.metadata) ?? 'python';
  const language = kernelOf(name);
  if (language) return language;
  throw badRequest(
    `ipynb: metadata.kernelspec.language: the notebook's language is ${name}; Llano notebooks run python, typescript and sql cells`,
  );
}

function cellLanguage(cell: { source: string; metadata?: Record<string, unknown> }, fallback: () => CellType) {
  const llano = cell.metadata?.llano as { language?: unknown } | undefined;
  if (typeof llano?.language === 'string' && (CELL_TYPES as readonly string[]).includes(llano.language))
    return llano.language as CellType;
  if (SQL_MAGIC.test(cell.source)) return 'sql';
  const vscode = cell.metadata?.vscode as { languageId?: unknown } | undefined;
  if (vscode?.languageId === 'sql') return 'sql';
  return fallback();
}

function importOutput(o: IpynbOutput): CellOutput | null {
  switch (o.output_type) {
    case 'stream':
      return { type: 'text', text: joined(o.text), stream: o.name };
    case 'error':
      return {
        type: 'error',
        name: o.ename,
        message: o.evalue,
        traceback: o.traceback.map((l) => l.replace(ANSI, '')).join('\n'),
      };
    default: {
      const data = o.data;
      const table = data[TABLE_MIME] as { columns?: unknown; rows?: unknown; total?: unknown } | undefined;
      if (table && Array.isArray(table.columns) && Array.isArray(table.rows))
        return {
          type: 'table',
          columns: table.columns as { name: string; type: string }[],
          rows: table.rows as unknown[][],
          total: typeof table.total === 'number' ? table.total : table.rows.length,
        };
      const chart = data[CHART_MIME];
      if (chart && typeof chart === 'object') return { type: 'chart', option: chart as Record<string, unknown> };
      for (const mime of IMAGE_MIMES) {
        const image = data[mime];
        if (typeof image !== 'string' && !Array.isArray(image)) continue;
        const text = joined(image as string | string[]);
        const alternative = data['text/plain'];
        // Base64 may be wrapped over lines; SVG is markup, kept as written.
        return {
          type: 'image',
          mime,
          data: mime === 'image/svg+xml' ? text : text.replace(/\n/g, ''),
          ...(typeof alternative === 'string' || Array.isArray(alternative)
            ? { text: joined(alternative as string[]) }
            : {}),
        };
      }
      for (const mime of ['text/plain', 'text/markdown', 'text/html']) {
        const text = data[mime];
        if (typeof text === 'string' || Array.isArray(text)) return { type: 'text', text: joined(text as string[]) };
      }
      return null;
    }
  }
}

/**
 * A Jupyter notebook as a Llano notebook: `id` and `name` from the caller, else from the
 * notebook's own `metadata.llano`, else `fallbackId` (the file's name). Malformed files are 400s naming the field at fault.
 */
export function notebookFromIpynb(
  raw: unknown,
  names: { id?: string; name?: string; fallbackId?: string } = {},
): Notebook {
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch (error) {
      throw badRequest(`ipynb: not JSON (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  const ipynb = parseOr400(IpynbSchema, raw, 'ipynb', { prefix: 'Invalid ipynb' });
  let language: CellType | undefined;
  const fallback = () => (language ??= kernelLanguage(ipynb));
  const cells = ipynb.cells.map((c): NotebookCell => {
    const source = joined(c.source);
    const metadata = keptMetadata(c.metadata, CELL_OWN_KEYS);
    const kept = { ...(c.id !== undefined ? { id: c.id } : {}), ...(metadata ? { metadata } : {}) };
    if (c.cell_type !== 'code')
      return { ...kept, type: c.cell_type, source, ...(c.attachments ? { attachments: c.attachments } : {}) };
    const type = cellLanguage({ source, metadata: c.metadata }, fallback);
    return {
      ...kept,
      type,
      source: type === 'sql' ? source.replace(SQL_MAGIC, '') : source,
      outputs: c.outputs.map(importOutput).filter((o): o is CellOutput => o !== null),
      executionCount: c.execution_count ?? null,
    };
  });
  const id = names.id ?? ipynb.metadata.llano?.id ?? names.fallbackId;
  if (!id) throw badRequest('id: give the notebook an id (the file has none in metadata.llano.id)');
  const meta = ipynb.metadata.llano as { description?: unknown } | undefined;
  const metadata = keptMetadata(ipynb.metadata, NOTEBOOK_OWN_KEYS);
  return {
    id,
    name: names.name ?? ipynb.metadata.llano?.name ?? id,
    ...(typeof meta?.description === 'string' ? { description: meta.description } : {}),
    ...(metadata ? { metadata } : {}),
    cells,
  };
}

/** A short text rendering of a table, for Jupyter and other readers of the file. */
function tableText(o: Extract<CellOutput, { type: 'table' }>): string {
  const head = o.columns.map((c) => c.name).join('\t');
  const body = o.rows
    .slice(0, 20)
    .map((r) =>
      r.map((v) => (v === null ? 'NULL' : typeof v === 'object' ? JSON.stringify(v) : String(v as string))).join('\t'),
    );
  const more = o.total > body.length ? [`… ${o.total.toLocaleString('en-US')} rows`] : [];
  return [head, ...body, ...more].join('\n');
}

function exportOutput(o: CellOutput, executionCount: number | null): Record<string, unknown> {
  switch (o.type) {
    case 'text':
      return o.stream
        ? { output_type: 'stream', name: o.stream, text: lines(o.text) }
        : {
            output_type: 'execute_result',
            execution_count: executionCount,
            data: { 'text/plain': lines(o.text) },
            metadata: {},
          };
    case 'error':
      return { output_type: 'error', ename: o.name, evalue: o.message, traceback: o.traceback.split('\n') };
    case 'table':
      return {
        output_type: 'display_data',
        data: { [TABLE_MIME]: { columns: o.columns, rows: o.rows, total: o.total }, 'text/plain': lines(tableText(o)) },
        metadata: {},
      };
    case 'chart':
      return {
        output_type: 'display_data',
        data: { [CHART_MIME]: o.option, 'text/plain': ['ECharts chart'] },
        metadata: {},
      };
    case 'image':
      return {
        output_type: 'display_data',
        data: { [o.mime]: o.data, ...(o.text !== undefined ? { 'text/plain': lines(o.text) } : {}) },
        metadata: {},
      };
  }
}

const KERNELS = {
  python: {
    kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' },
    language_info: { name: 'python' },
  },
  typescript: {
    kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' },
    language_info: { name: 'typescript' },
  },
};

/**
 * The cell's metadata for the file: as kept, plus `llano.language` where the file needs it to
 * read the cell back (a code cell in another language than the kernel's; SQL has its magic), so
 * that a Jupyter file comes back out without keys it did not have.
 */
function exportMetadata(cell: NotebookCell, kernel: 'python' | 'typescript'): Record<string, unknown> {
  const metadata = cell.metadata ?? {};
  if ((cell.type !== 'python' && cell.type !== 'typescript') || cell.type === kernel) return metadata;
  const llano = (metadata.llano ?? {}) as Record<string, unknown>;
  return { ...metadata, llano: { ...llano, language: cell.type } };
}

/**
 * The metadata kept (a cell's or the notebook's): the file's, less the `llano` keys that Llano's
 * own fields hold (a cell's `language`: its type; a notebook's `id`, `name`, `description`).
 */
function keptMetadata(
  metadata: Record<string, unknown> | undefined,
  ownKeys: readonly string[],
): Record<string, unknown> | undefined {
  if (!metadata) return undefined;
  const { llano, ...rest } = metadata;
  const ownLlano = Object.fromEntries(
    Object.entries((llano ?? {}) as Record<string, unknown>).filter(([k]) => !ownKeys.includes(k)),
  );
  const kept = Object.keys(ownLlano).length > 0 ? { ...rest, llano: ownLlano } : rest;
  return Object.keys(kept).length > 0 ? kept : undefined;
}
const CELL_OWN_KEYS = ['language'];
const NOTEBOOK_OWN_KEYS = ['id', 'name', 'description'];

/**
 * The file's notebook metadata: the kept metadata, with the kernel of the language the cells need
 * (the kept kernelspec and language_info when they are of that language: an imported
 * "Python 3 (ipykernel)" stays so), and Llano's own keys.
 */
function exportNotebookMetadata(notebook: Notebook, language: 'python' | 'typescript'): Record<string, unknown> {
  const kept = notebook.metadata ?? {};
  const keptLanguage = namedLanguage(kept);
  const kernel = keptLanguage !== undefined && kernelOf(keptLanguage) === language ? {} : KERNELS[language];
  return {
    ...kept,
    ...kernel,
    llano: {
      ...((kept.llano ?? {}) as Record<string, unknown>),
      id: notebook.id,
      name: notebook.name,
      ...(notebook.description !== undefined ? { description: notebook.description } : {}),
    },
  };
}

/** Cell ids for the file: each cell's own, else `cell-<n>` (made unique, as Jupyter requires). */
function exportIds(cells: NotebookCell[]): string[] {
  const taken = new Set(cells.flatMap((c) => (c.id === undefined ? [] : [c.id])));
  return cells.map((c, i) => {
    if (c.id !== undefined) return c.id;
    let id = `cell-${i + 1}`;
    for (let n = 2; taken.has(id); n++) id = `cell-${i + 1}-${n}`;
    taken.add(id);
    return id;
  });
}

/** A Llano notebook as nbformat 4.5: Jupyter opens it; `notebookFromIpynb` reads it back to the same notebook. */
export function notebookToIpynb(notebook: Notebook): Record<string, unknown> {
  const hasPython = notebook.cells.some((c) => c.type === 'python');
  const hasTypescript = notebook.cells.some((c) => c.type === 'typescript');
  const language = !hasPython && hasTypescript ? 'typescript' : 'python';
  const ids = exportIds(notebook.cells);
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: exportNotebookMetadata(notebook, language),
    cells: notebook.cells.map((c, i) => {
      const id = ids[i];
      const metadata = exportMetadata(c, language);
      if (c.type === 'markdown' || c.type === 'raw')
        return {
          cell_type: c.type,
          id,
          metadata,
          source: lines(c.source),
          ...(c.attachments ? { attachments: c.attachments } : {}),
        };
      const executionCount = c.executionCount ?? null;
      return {
        cell_type: 'code',
        id,
        metadata,
        execution_count: executionCount,
        source: lines(c.type === 'sql' ? `%%sql\n${c.source}` : c.source),
        outputs: (c.outputs ?? []).map((o) => exportOutput(o, executionCount)),
      };
    }),
  };
}

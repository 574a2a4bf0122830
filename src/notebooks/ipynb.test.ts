import { describe, expect, it } from 'vitest';
import { notebookFromIpynb, notebookToIpynb } from './ipynb.js';
import { NotebookSchema } from './notebook-schema.js';

/**
 * The .ipynb round trip for what Jupyter and Llano both have: cell ids, cell metadata (tags,
 * collapsed, unknown keys), raw cells and an image's text/plain alternative come back out of
 * import → export as they went in, for nbformat 4.5 files (with ids) and 4.4 files (without).
 */

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/** What Jupyter and its extensions write at the notebook's level. */
const NOTEBOOK_METADATA = {
  kernelspec: { name: 'python3', display_name: 'Python 3 (ipykernel)', language: 'python' },
  language_info: { name: 'python', version: '3.11.7', codemirror_mode: { name: 'ipython', version: 3 } },
  jupytext: { formats: 'ipynb,py:percent' },
};

function jupyterFile(minor: 4 | 5): Record<string, unknown> {
  const id = (value: string) => (minor === 5 ? { id: value } : {});
  return {
    nbformat: 4,
    nbformat_minor: minor,
    metadata: NOTEBOOK_METADATA,
    cells: [
      {
        cell_type: 'markdown',
        ...id('intro'),
        metadata: { tags: ['doc'] },
        source: ['# QA\n', 'text ![plot](attachment:plot.png)'],
        attachments: { 'plot.png': { 'image/png': PNG } },
      },
      {
        cell_type: 'code',
        ...id('m1'),
        metadata: { tags: ['parameters'], collapsed: true, jupyter: { source_hidden: true }, papermill: { x: 1 } },
        execution_count: 1,
        source: ['band = 6'],
        outputs: [],
      },
      {
        cell_type: 'raw',
        ...id('raw-1'),
        metadata: { format: 'text/x-rst' },
        source: ['.. note::\n', '   raw text'],
        attachments: { 'a.svg': { 'image/svg+xml': ['<svg>\n', '</svg>'] } },
      },
      {
        cell_type: 'code',
        ...id('plot_2'),
        metadata: {},
        execution_count: 2,
        source: ['plt.plot([1, 2])'],
        outputs: [
          {
            output_type: 'display_data',
            data: { 'image/png': PNG, 'text/plain': ['<Figure size 640x480 with 1 Axes>'] },
            metadata: {},
          },
        ],
      },
      {
        cell_type: 'code',
        ...id('sql-a'),
        metadata: { tags: [] },
        execution_count: null,
        source: ['%%sql\n', 'SELECT 1'],
        outputs: [],
      },
    ],
  };
}

type Cell = {
  id?: string;
  cell_type: string;
  metadata: unknown;
  source: string | string[];
  outputs?: unknown[];
  attachments?: unknown;
};
const joined = (s: string | string[]) => (Array.isArray(s) ? s.join('') : s);
/** The fields both sides have, with multiline text joined (nbformat allows a string or its lines). */
const shared = (cell: Cell, withId: boolean) => ({
  ...(withId ? { id: cell.id } : {}),
  cell_type: cell.cell_type,
  metadata: cell.metadata,
  source: joined(cell.source),
  attachments: cell.attachments,
  images: (cell.outputs ?? []).map((o) => {
    const data = (o as { data?: Record<string, string | string[]> }).data ?? {};
    return { png: data['image/png'], text: data['text/plain'] && joined(data['text/plain']) };
  }),
});

describe('.ipynb round trip', () => {
  for (const minor of [5, 4] as const) {
    it(`keeps ids, cell metadata, attachments, raw cells, image text and notebook metadata of an nbformat 4.${minor} file`, () => {
      const input = jupyterFile(minor);
      const notebook = notebookFromIpynb(input, { id: 'qa' });
      // What is stored passes the notebook's own schema (ids, metadata, attachments, the raw type), nothing stripped.
      expect(NotebookSchema.parse(notebook)).toEqual(notebook);
      expect(notebook.cells.map((c) => c.type)).toEqual(['markdown', 'python', 'raw', 'python', 'sql']);
      expect(notebook.cells[3].outputs).toEqual([
        { type: 'image', mime: 'image/png', data: PNG, text: '<Figure size 640x480 with 1 Axes>' },
      ]);
      const output = notebookToIpynb(notebook) as { cells: Cell[]; metadata: unknown };
      const inputCells = input.cells as Cell[];
      expect(output.cells.map((c) => shared(c, minor === 5))).toEqual(inputCells.map((c) => shared(c, minor === 5)));
      if (minor === 5) expect(output.cells.map((c) => c.id)).toEqual(['intro', 'm1', 'raw-1', 'plot_2', 'sql-a']);
      // A 4.4 file has no ids: the export (4.5) gives each cell one.
      else expect(output.cells.map((c) => c.id)).toEqual(['cell-1', 'cell-2', 'cell-3', 'cell-4', 'cell-5']);
      // The notebook's own metadata (kernel, language, extensions' keys) as it came, with Llano's beside it.
      expect(output.metadata).toEqual({
        ...NOTEBOOK_METADATA,
        llano: { id: 'qa', name: 'qa' },
      });
      // And again: a second trip changes nothing.
      expect(notebookToIpynb(notebookFromIpynb(output, { id: 'qa' }))).toEqual(output);
    });
  }

  it('checks attachments by one rule, in a stored notebook as in an imported file', () => {
    const bad = { 'plot.png': { 'image/png': 42 } };
    const stored = NotebookSchema.safeParse({
      id: 'qa',
      name: 'qa',
      cells: [{ type: 'markdown', source: 'x', attachments: bad }],
    });
    expect(stored.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['cells.0.attachments.plot.png.image/png', 'must be a string or a list of strings'],
    ]);
    const file = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] as unknown[] };
    file.cells.push({ cell_type: 'markdown', metadata: {}, source: 'x', attachments: bad });
    expect(() => notebookFromIpynb(file, { id: 'qa' })).toThrow(/must be a string or a list of strings/);
  });

  it('marks a cell of another language than the kernel’s, and no other', () => {
    const file = notebookToIpynb({
      id: 'mixed',
      name: 'Mixed',
      cells: [
        { type: 'python', source: 'x = 1' },
        { type: 'typescript', source: 'const y = 2' },
        { type: 'sql', source: 'SELECT 1' },
        { id: 'cell-1', type: 'markdown', source: 'taken id' },
      ],
    }) as { cells: Cell[] };
    expect(file.cells.map((c) => c.metadata)).toEqual([{}, { llano: { language: 'typescript' } }, {}, {}]);
    // A cell without an id never takes one another cell has.
    expect(file.cells.map((c) => c.id)).toEqual(['cell-1-2', 'cell-2', 'cell-3', 'cell-1']);
    const back = notebookFromIpynb(file, { id: 'mixed' });
    expect(back.cells.map((c) => c.type)).toEqual(['python', 'typescript', 'sql', 'markdown']);
  });

  it('keeps custom llano keys; gives the kernel the cells need when the kept one is of another language', () => {
    const input = {
      ...jupyterFile(5),
      metadata: { ...NOTEBOOK_METADATA, llano: { id: 'x', name: 'X', reviewed: true } },
    };
    const notebook = notebookFromIpynb(input, { id: 'qa', name: 'QA' });
    expect(notebook.metadata).toEqual({ ...NOTEBOOK_METADATA, llano: { reviewed: true } });
    expect((notebookToIpynb(notebook) as { metadata: unknown }).metadata).toEqual({
      ...NOTEBOOK_METADATA,
      llano: { reviewed: true, id: 'qa', name: 'QA' },
    });
    const typescript = notebookToIpynb({ ...notebook, cells: [{ type: 'typescript', source: 'const x = 1' }] }) as {
      metadata: Record<string, unknown>;
    };
    expect(typescript.metadata.kernelspec).toMatchObject({ language: 'typescript' });
    expect(typescript.metadata.language_info).toEqual({ name: 'typescript' });
    expect(typescript.metadata.jupytext).toEqual(NOTEBOOK_METADATA.jupytext);
  });

  it('refuses a kernel language Llano does not run, also one named like an object property', () => {
    for (const language of ['julia', 'constructor', 'toString']) {
      const input = { ...jupyterFile(5), metadata: { kernelspec: { language } } };
      expect(() => notebookFromIpynb(input, { id: 'qa' }), language).toThrow(
        `the notebook's language is ${language.toLowerCase()}`,
      );
    }
  });

  it('refuses a malformed cell id, naming the cell', () => {
    const input = jupyterFile(5);
    (input.cells as Cell[])[1].id = 'not an id!';
    expect(() => notebookFromIpynb(input, { id: 'qa' })).toThrow(/cells\.1\.id/);
    const twice = notebookFromIpynb(jupyterFile(5), { id: 'qa' });
    twice.cells[1].id = 'intro';
    const parsed = NotebookSchema.safeParse(twice);
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain('cell id intro is used twice');
  });
});

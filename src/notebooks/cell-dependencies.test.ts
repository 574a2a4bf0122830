import { describe, expect, it } from 'vitest';
import { cellDependencies, cellsByLanguage, namesDefinedBy } from './cell-dependencies.js';
import type { NotebookCell } from './notebook-types.js';

const py = (source: string): NotebookCell => ({ type: 'python', source });
const ts = (source: string): NotebookCell => ({ type: 'typescript', source });

describe('cell dependencies', () => {
  it('reads the names a cell defines at its top level', () => {
    expect(
      [
        ...namesDefinedBy(
          py('import pandas as pd\nfrom math import sqrt, pi\ndf = 1\n  inner = 2\ndef f(x):\n  return x'),
        ),
      ].sort(),
    ).toEqual(['df', 'f', 'pandas', 'pd', 'pi', 'sqrt']);
    expect(
      [...namesDefinedBy(ts('const rows = 1;\nlet n = 2\nfunction go() {}\nimport { a, b } from "x"'))].sort(),
    ).toEqual(['a', 'b', 'go', 'n', 'rows']);
  });

  it('finds the earlier cells of the language a cell needs, followed back, nearest definition first', () => {
    const cells: NotebookCell[] = [
      { type: 'markdown', source: 'df = "not code"' },
      py('import pandas as pd\nlimit = 35'),
      py('df = dataset("obs")'),
      { type: 'sql', source: 'SELECT 1 AS hot' },
      py('hot = df[df["trec"] > limit]'),
      py('df = 0  # redefined later: not what cell 4 used'),
      py('hot[["antenna", "trec"]]'),
    ];
    expect(cellDependencies(cells, [6])).toEqual([
      { index: 1, names: ['limit'] },
      { index: 2, names: ['df'] },
      { index: 4, names: ['hot'] },
    ]);
    // A cell already chosen is not proposed again; a self-contained cell needs nothing.
    expect(cellDependencies(cells, [2, 4, 6])).toEqual([{ index: 1, names: ['limit'] }]);
    expect(cellDependencies(cells, [2])).toEqual([]);
    // `x = x + 1` uses the earlier x.
    expect(cellDependencies([py('x = 1'), py('x = x + 1\nx')], [1])).toEqual([{ index: 0, names: ['x'] }]);
    expect(
      cellDependencies([ts('const rows = await dataset("obs");'), ts('rows.filter((r) => r.trec > 1)')], [1]),
    ).toEqual([{ index: 0, names: ['rows'] }]);
  });

  it('groups the code cells of a notebook by language', () => {
    expect(
      cellsByLanguage([py('a'), { type: 'markdown', source: '' }, ts('b'), py('c'), { type: 'raw', source: '' }]),
    ).toEqual({
      python: [0, 3],
      typescript: [2],
    });
  });
});

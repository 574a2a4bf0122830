import type { CodeCellType, NotebookCell } from './notebook-types.js';
import { isCodeCell } from './notebook-types.js';

/**
 * Which earlier cells a cell's code needs, for turning cells into a recipe: a recipe runs its
 * cells alone, so a cell using a variable another cell made (`df` of `df = dataset("obs")`)
 * needs that cell too. Read from the text, without running it: the names a cell defines at its
 * top level (assignments, `def`, `class`, `import`, `const`/`let`/`var`, `function`) and the
 * names it uses. Approximate on purpose (a name in a string counts as used): it proposes cells,
 * the user decides. Node-free: the notebook page uses it too.
 */

const PY_DEFINES = [
  /^([A-Za-z_]\w*)\s*(?:[-+*/%&|^@]|\*\*|\/\/|<<|>>)?=(?!=)/gm,
  /^(?:async\s+)?def\s+([A-Za-z_]\w*)/gm,
  /^class\s+([A-Za-z_]\w*)/gm,
  /^import\s+([A-Za-z_]\w*)(?:\s+as\s+([A-Za-z_]\w*))?/gm,
  /^from\s+\S+\s+import\s+(.+)$/gm,
  /^for\s+([A-Za-z_]\w*)\s+in\b/gm,
  /^with\s+.+\s+as\s+([A-Za-z_]\w*)/gm,
];
const TS_DEFINES = [
  /^(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)/gm,
  /^(?:export\s+)?(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)/gm,
  /^(?:export\s+)?class\s+([A-Za-z_$][\w$]*)/gm,
  /^([A-Za-z_$][\w$]*)\s*(?:[-+*/%&|^]|\*\*)?=(?![=>])/gm,
  /^import\s+(.+?)\s+from\b/gm,
];
const WORD = /[A-Za-z_$][\w$]*/g;

/** Top-level names the cell's code defines. */
export function namesDefinedBy(cell: Pick<NotebookCell, 'type' | 'source'>): Set<string> {
  const names = new Set<string>();
  if (cell.type !== 'python' && cell.type !== 'typescript') return names;
  for (const pattern of cell.type === 'python' ? PY_DEFINES : TS_DEFINES)
    for (const match of cell.source.matchAll(pattern))
      for (const group of match.slice(1))
        for (const name of (group ?? '').match(WORD) ?? []) if (name !== 'as' && name !== 'type') names.add(name);
  return names;
}

/** Names the cell's code uses (comments left out). */
export function namesUsedBy(cell: Pick<NotebookCell, 'type' | 'source'>): Set<string> {
  // Attributes (`df.band`) are not variables of their own.
  const code = cell.source
    .replace(cell.type === 'python' ? /#.*$/gm : /\/\/.*$/gm, '')
    .replace(/\.\s*[A-Za-z_$][\w$]*/g, '');
  return new Set(code.match(WORD) ?? []);
}

export interface Dependency {
  /** The earlier cell (0-based) that defines names the chosen cells use. */
  index: number;
  names: string[];
}

/**
 * The earlier cells of the same language that the chosen cells need, nearest definition first
 * followed back (a needed cell's own needs too), in notebook order. A name is taken from the last
 * cell before its user that defines it, as running the notebook top to bottom would.
 */
export function cellDependencies(cells: Pick<NotebookCell, 'type' | 'source'>[], chosen: number[]): Dependency[] {
  const language = chosen.map((i) => cells[i]?.type).find((t): t is CodeCellType => t !== undefined && isCodeCell(t));
  if (language !== 'python' && language !== 'typescript') return [];
  const defined = cells.map((c) => (c.type === language ? namesDefinedBy(c) : new Set<string>()));
  const needed = new Map<number, Set<string>>();
  const queue = [...chosen];
  const inRecipe = new Set(chosen);
  while (queue.length > 0) {
    const at = queue.shift() as number;
    const own = defined[at] ?? new Set<string>();
    for (const name of namesUsedBy(cells[at])) {
      if (own.has(name) && !usedBeforeDefined(cells[at], name)) continue;
      for (let i = at - 1; i >= 0; i--) {
        if (!defined[i].has(name)) continue;
        if (!inRecipe.has(i)) {
          const names = needed.get(i) ?? new Set<string>();
          names.add(name);
          needed.set(i, names);
          if (names.size === 1) queue.push(i);
        }
        break;
      }
    }
  }
  return [...needed.entries()].sort(([a], [b]) => a - b).map(([index, names]) => ({ index, names: [...names].sort() }));
}

/** `x = x + 1` uses the earlier x: the first use comes before (or on) the defining line. */
function usedBeforeDefined(cell: Pick<NotebookCell, 'source'>, name: string): boolean {
  const escaped = name.replace(/\$/g, '\\$');
  const use = new RegExp(`(^|[^\\w$])${escaped}(?![\\w$])`, 'm').exec(cell.source);
  const definition = new RegExp(`^\\s*(?:(?:const|let|var|def|class|function)\\s+)?${escaped}\\b`, 'm').exec(
    cell.source,
  );
  if (!use || !definition) return false;
  const useLine = cell.source.slice(0, use.index).split('\n').length;
  const definitionLine = cell.source.slice(0, definition.index).split('\n').length;
  if (useLine < definitionLine) return true;
  // On the defining line itself: a use right of the `=` (x = x + 1).
  const line = cell.source.split('\n')[definitionLine - 1];
  const right = line.slice(line.search(/=(?!=)/) + 1);
  return useLine === definitionLine && new RegExp(`(^|[^\\w$])${escaped}(?![\\w$])`).test(right);
}

/** The cells of each code language, for a notebook mixing them (a recipe has one language). */
export function cellsByLanguage(cells: Pick<NotebookCell, 'type'>[]): Partial<Record<CodeCellType, number[]>> {
  const groups: Partial<Record<CodeCellType, number[]>> = {};
  cells.forEach((c, i) => {
    if (isCodeCell(c.type)) (groups[c.type] ??= []).push(i);
  });
  return groups;
}

/**
 * Choosing partitions in the Partitions tab: filtering the list, ticking with shift-click
 * ranges and selecting FROM..TO. Pure, so it is unit-tested without a browser.
 */

/** The partitions whose id or state contains `text` (case-insensitive); all when it is empty. */
export function filterPartitions<T extends { id: string; state: string }>(list: readonly T[], text: string): T[] {
  const q = text.trim().toLowerCase();
  if (!q) return [...list];
  return list.filter((p) => p.id.toLowerCase().includes(q) || stateLabel(p.state).includes(q));
}

/** The words the tab uses for the API's states: a `ready` partition is "built". */
export function stateLabel(state: string): string {
  return state === 'ready' ? 'built' : state;
}

/**
 * The selection after ticking (or unticking) `ids[index]`. With shift and an earlier tick
 * (`anchor`), every id between the two takes the same state, as in a file manager.
 */
export function toggleSelection(
  selected: ReadonlySet<string>,
  ids: readonly string[],
  index: number,
  anchor: number | null,
  shift: boolean,
): Set<string> {
  const next = new Set(selected);
  const on = !selected.has(ids[index]);
  const [from, to] =
    shift && anchor !== null && anchor < ids.length
      ? [Math.min(anchor, index), Math.max(anchor, index)]
      : [index, index];
  for (let i = from; i <= to; i++) {
    if (on) next.add(ids[i]);
    else next.delete(ids[i]);
  }
  return next;
}

/**
 * The ids from `from` to `to`, both included, compared on their first characters: with ids
 * `2024-10-01|b3`, `2024-10-01..2024-10-07` or `2024-10..2024-11` select whole days or months.
 */
export function idsInRange(ids: readonly string[], from: string, to: string): string[] {
  const a = from.trim();
  const b = to.trim();
  if (!a || !b) return [];
  const [lo, hi] = a <= b ? [a, b] : [b, a];
  return ids.filter((id) => id.slice(0, lo.length) >= lo && id.slice(0, hi.length) <= hi);
}

import { describe, expect, it } from 'vitest';
import { filterPartitions, idsInRange, stateLabel, toggleSelection } from './partition-selection';

const ids = ['2024-10-01|b3', '2024-10-01|b6', '2024-10-02|b3', '2024-10-02|b6', '2024-11-01|b3'];

describe('choosing partitions', () => {
  it('filters by id or by the state word the tab shows', () => {
    const list = ids.map((id, i) => ({ id, state: i === 2 ? 'failed' : 'ready' }));
    expect(filterPartitions(list, 'B6').map((p) => p.id)).toEqual(['2024-10-01|b6', '2024-10-02|b6']);
    expect(filterPartitions(list, 'failed').map((p) => p.id)).toEqual(['2024-10-02|b3']);
    expect(filterPartitions(list, 'built')).toHaveLength(4);
    expect(filterPartitions(list, '  ')).toHaveLength(5);
    expect(stateLabel('stale')).toBe('stale');
  });

  it('ticks one, or with shift every partition from the last ticked one, and unticks the same way', () => {
    let s = toggleSelection(new Set(), ids, 1, null, false);
    expect([...s]).toEqual(['2024-10-01|b6']);
    s = toggleSelection(s, ids, 3, 1, true);
    expect([...s].sort()).toEqual(ids.slice(1, 4));
    s = toggleSelection(s, ids, 4, 3, false);
    s = toggleSelection(s, ids, 2, 4, true);
    // Shift on a ticked one unticks the range from the last tick.
    expect([...s]).toEqual(['2024-10-01|b6']);
    s = toggleSelection(s, ids, 1, 4, true);
    expect([...s]).toEqual([]);
  });

  it('selects FROM..TO by the ids’ leading characters, in either order', () => {
    expect(idsInRange(ids, '2024-10-01', '2024-10-02')).toEqual(ids.slice(0, 4));
    expect(idsInRange(ids, '2024-11', '2024-10-02')).toEqual(ids.slice(2));
    expect(idsInRange(ids, '2024-10-02|b6', '2024-10-02|b6')).toEqual(['2024-10-02|b6']);
    expect(idsInRange(ids, '', '2024')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { filterParam, parseFilterParam, parseSortParam, sortParam, toggleSort } from './table-query';

describe('the table query language as the UI writes it', () => {
  it('round-trips sort keys, quoting awkward column names', () => {
    const sort = [
      { column: 'trec_k', desc: true },
      { column: 'a:b', desc: false },
      { column: '-odd', desc: true },
    ];
    expect(sortParam(sort)).toBe('-trec_k,"a:b",-"-odd"');
    expect(parseSortParam(sortParam(sort))).toEqual(sort);
  });

  it('round-trips filters, values with colons included', () => {
    for (const f of [
      { column: 'antenna', op: 'eq' as const, value: 'DA47' },
      { column: 'observed_at', op: 'ge' as const, value: '2022-03-01 10:00:00' },
      { column: 'flag', op: 'isnull' as const },
      { column: 'x,y', op: 'in' as const, value: '3|6|7' },
    ]) {
      expect(parseFilterParam(filterParam(f))).toEqual(f);
    }
    expect(parseFilterParam('antenna:nope:1')).toBeNull();
  });

  it('cycles a header through ascending, descending and off; Shift adds keys', () => {
    let s = toggleSort([], 'a', false);
    expect(s).toEqual([{ column: 'a', desc: false }]);
    s = toggleSort(s, 'a', false);
    expect(s).toEqual([{ column: 'a', desc: true }]);
    s = toggleSort(s, 'b', true);
    expect(s).toEqual([
      { column: 'a', desc: true },
      { column: 'b', desc: false },
    ]);
    expect(toggleSort(s, 'a', true)).toEqual([{ column: 'b', desc: false }]);
    expect(toggleSort(s, 'a', false)).toEqual([]);
  });
});

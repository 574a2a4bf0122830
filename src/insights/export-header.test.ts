import { describe, expect, it } from 'vitest';
import { describeFilter, headerHtml, headerLines } from './export-header.js';

describe('the header of an exported dashboard', () => {
  const at = new Date('2026-12-07T08:05:31Z');

  it('says the page, the filters in words (or that there are none), when and from which data', () => {
    expect(headerLines({ dashboard: 'Shift', page: 'Receivers', filters: [], exportedAt: at, versions: [] })).toEqual([
      { label: 'Page', text: 'Receivers' },
      { label: 'Filters', text: 'no filters' },
      { label: 'Exported', text: '2026-12-07 08:05 UTC' },
    ]);
    const lines = headerLines({
      dashboard: 'Shift',
      page: 'Receivers',
      filters: [
        { column: 'band', op: 'in', values: ['3', '6'] },
        { column: 'day', op: 'ge', value: '2025-01-01' },
      ],
      exportedAt: at,
      versions: [{ dataset: 'obs', createdAt: '2026-12-06T22:00:00.000Z' }],
    });
    expect(lines[1].text).toBe('band in 3, 6; day ≥ 2025-01-01');
    expect(lines[2].text).toBe('2026-12-07 08:05 UTC · data: obs of 2026-12-06 22:00 UTC');
    expect(describeFilter({ column: 'comment', op: 'isnull' })).toBe('comment is empty');
  });

  it('escapes the names users typed', () => {
    const html = headerHtml({
      dashboard: '<script>alert(1)</script>',
      page: '"><img src=x onerror=alert(1)>',
      filters: [{ column: 'a', op: 'eq', value: '<b>' }],
      exportedAt: at,
      versions: [],
    });
    expect(html).not.toMatch(/<script>|<img|<b>/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

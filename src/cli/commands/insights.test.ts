import { describe, expect, it } from 'vitest';
import type { InsightData } from '../../insights/insight-types.js';
import { measuresRounded } from './insights.js';

describe('llano insight data', () => {
  it('prints measures without summation noise, other columns and counts as they are', () => {
    const data = {
      columns: ['day', 'avg(trec)', 'count'],
      roles: ['x', 'y', 'y'],
      rows: [
        [0.30000000000000004, 19.497772032894737, 12],
        ['DA41', null, 3],
      ],
    } as unknown as InsightData;
    expect(measuresRounded(data)).toEqual([
      [0.30000000000000004, '19.49777203', 12],
      ['DA41', null, 3],
    ]);
  });
});

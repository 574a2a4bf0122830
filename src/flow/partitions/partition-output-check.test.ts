import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PartitionDimension } from '../../datasets/partitioning.js';
import { partitionValueSql } from './partition-output-check.js';

const day: PartitionDimension = { name: 'day', type: 'time', period: 'day', column: 'ts' };
const month: PartitionDimension = { name: 'month', type: 'time', period: 'month', column: 'ts' };

describe('the partition a row belongs to', () => {
  let db: DuckDBInstance;
  beforeAll(async () => {
    db = await DuckDBInstance.create(':memory:');
  });
  afterAll(() => db.closeSync());

  /** Evaluates the dimension's value for one row of a one-column table, in a session of time zone `zone`. */
  async function valueOf(d: PartitionDimension, type: string, literal: string, zone: string) {
    const conn = await db.connect();
    try {
      await conn.run(`SET TimeZone = '${zone}'`);
      const sql = `SELECT ${partitionValueSql(d, type)} FROM (SELECT CAST(${literal} AS ${type}) AS ts)`;
      return (await conn.runAndReadAll(sql)).getRows()[0][0];
    } finally {
      conn.closeSync();
    }
  }

  it('reads an instant (TIMESTAMPTZ) in UTC whatever the session time zone', async () => {
    // 02:00 UTC on 1 December is 23:00 on 30 November in Santiago.
    for (const zone of ['UTC', 'America/Santiago', 'Asia/Tokyo']) {
      expect(await valueOf(day, 'TIMESTAMP WITH TIME ZONE', "'2026-12-01 02:00:00+00'", zone)).toBe('2026-12-01');
      expect(await valueOf(month, 'TIMESTAMPTZ', "'2026-11-30 23:30:00-05'", zone)).toBe('2026-12');
    }
  });

  it('takes a TIMESTAMP, a DATE and text as written', async () => {
    expect(await valueOf(day, 'TIMESTAMP', "'2026-12-01 23:30:00'", 'America/Santiago')).toBe('2026-12-01');
    expect(await valueOf(day, 'DATE', "'2026-12-01'", 'Asia/Tokyo')).toBe('2026-12-01');
    expect(await valueOf(month, 'VARCHAR', "'2026-12'", 'UTC')).toBe('2026-12');
  });
});

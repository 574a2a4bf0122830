import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent } from '../../common/names.js';
import { GROUPS_TABLE } from './grouped-series.js';
import { ResultColumns } from './result-table.js';

/**
 * Each group's place ("slot") in lists of per-group values, found from a row's own group keys
 * by arithmetic in SQL: a perfect hash of the groups' 64-bit key hashes ("hash and displace",
 * Belazzougui, Botelho & Dietzfelbinger 2009). Per-group results then reach the input rows
 * by a projection, `list[slot]`, which DuckDB runs in parallel and in the input's order. A
 * join would not do: DuckDB's hash join does not keep the probe side's order (checked on the
 * simulator's Trec file: every row of a COPY of input ⋈ groups came out elsewhere), and a
 * POSITIONAL JOIN runs on one thread.
 */
export interface GroupSlots {
  /** 0-based slot of each group id. */
  slotOf: Int32Array;
  /** Length of the lists the slots index (a few more than the groups; unused slots hold NULL). */
  size: number;
  /** SQL for a row's 1-based slot, from its group key columns (qualified by `alias.` when given). */
  sql(alias?: string): string;
}

/** Rows per bucket on average: small buckets find a free displacement at once. */
const BUCKET_LOAD = 2;
/** Displacements tried per bucket before the whole table is rebuilt with the next salt. */
const MAX_DISPLACEMENT = 1 << 16;
const SALTS = 4;

/** Slots of the groups of {@link GROUPS_TABLE} (`gid` 0, 1, …), by their keys `groupBy`. */
export async function groupSlots(
  conn: DuckDBConnection,
  groupBy: readonly string[],
  groupCount: number,
): Promise<GroupSlots> {
  if (groupBy.length === 0 || groupCount <= 1)
    return { slotOf: new Int32Array(groupCount), size: Math.max(1, groupCount), sql: () => '1' };
  for (let salt = 0; salt < SALTS; salt++) {
    const hash = (alias?: string) =>
      `CAST(hash(${groupBy.map((k) => (alias ? `${alias}.` : '') + quoteIdent(k)).join(', ')}${salt ? `, ${salt}` : ''}) AS UBIGINT)`;
    const rows = (await conn.runAndReadAll(`SELECT ${hash()} FROM ${GROUPS_TABLE} ORDER BY gid`)).getRows();
    const table = perfectHash(rows.map((r) => r[0] as bigint));
    if (!table) continue;
    const { buckets, displacement, size, slotOf } = table;
    const list = `(CAST([${Array.from(displacement).join(', ')}] AS UBIGINT[]))`;
    return {
      slotOf,
      size,
      sql: (alias) =>
        `CAST(xor(${hash(alias)} >> 32, ${list}[CAST(${hash(alias)} % CAST(${buckets} AS UBIGINT) AS BIGINT) + 1]) % CAST(${size} AS UBIGINT) AS BIGINT) + 1`,
    };
  }
  // Distinct keys with equal hashes under every salt: DuckDB's GROUP BY and hash disagree on them.
  throw new Error(`could not tell ${groupCount} groups apart by the hash of their keys`);
}

/**
 * Hash and displace: keys go to buckets by h mod B; bucket b's keys take slots
 * ((h >> 32) xor d_b) mod size, with the smallest d_b that puts them all on free slots
 * (largest buckets first). Null when two keys of a bucket cannot be separated.
 */
export function perfectHash(
  hashes: readonly bigint[],
): { buckets: number; displacement: Uint32Array; size: number; slotOf: Int32Array } | null {
  const n = hashes.length;
  const size = n + Math.ceil(n / 4);
  const buckets = Math.max(1, Math.ceil(n / BUCKET_LOAD));
  const high = hashes.map((h) => Number(h >> 32n));
  const members: number[][] = Array.from({ length: buckets }, () => []);
  hashes.forEach((h, i) => members[Number(h % BigInt(buckets))].push(i));
  const order = members.map((_, b) => b).sort((a, b) => members[b].length - members[a].length);
  const taken = new Uint8Array(size);
  const displacement = new Uint32Array(buckets);
  const slotOf = new Int32Array(n);
  const slot = (i: number, d: number) => ((high[i] ^ d) >>> 0) % size;
  for (const b of order) {
    const keys = members[b];
    if (keys.length === 0) break;
    let found = -1;
    for (let d = 0; d < MAX_DISPLACEMENT && found < 0; d++) {
      const mine = keys.map((i) => slot(i, d));
      if (mine.every((s, k) => !taken[s] && mine.indexOf(s) === k)) found = d;
    }
    if (found < 0) return null;
    displacement[b] = found;
    for (const i of keys) {
      slotOf[i] = slot(i, found);
      taken[slotOf[i]] = 1;
    }
  }
  return { buckets, displacement, size, slotOf };
}

const SLOT_TABLE = 'llano_slot_values';
/** The connection's variable holding a list: a name of Llano's own, not a user's `a` (variables outlive the statement). */
const variable = (name: string) => `llano_slot_${name}`;

/**
 * Stores per-group values (indexed by group id) as lists in slot order, each in the DuckDB
 * variable `llano_slot_<name>` (doubles copied in binary, so exactly; NaN becomes NULL). Returns the SQL
 * that reads the value of the row's group, given its slot expression.
 */
export async function setSlotLists<Name extends string>(
  conn: DuckDBConnection,
  slots: GroupSlots,
  values: Record<Name, Float64Array>,
): Promise<(name: Name, slot: string) => string> {
  const names = Object.keys(values) as Name[];
  const table = new ResultColumns(names.map((name) => ({ name, type: 'DOUBLE' as const })));
  table.resize(slots.size);
  for (const name of names) {
    const bySlot = table.column(name);
    bySlot.fill(NaN);
    values[name].forEach((v, gid) => (bySlot[slots.slotOf[gid]] = v));
  }
  await table.write(conn, SLOT_TABLE);
  for (const name of names)
    await conn.run(
      `SET VARIABLE ${variable(name)} = (SELECT coalesce(list(${quoteIdent(name)} ORDER BY rowid), []) FROM ${SLOT_TABLE})`,
    );
  return (name, slot) => `(CAST(getvariable('${variable(name)}') AS DOUBLE[]))[${slot}]`;
}

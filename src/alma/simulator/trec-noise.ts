import { buildNormalTable } from './rng.js';

/**
 * Counter-based noise for the Trec rows: every random value of a measurement is a pure
 * function of a 32-bit key (unit seed, cell, stream), so any range of rows expands the
 * same on any thread and the truth table, computed from the same hashes, matches the
 * file exactly.
 *
 * The hash is the two-round 32-bit integer mix found by hash-prospector
 * (`x ^= x >> 16; x *= 0x21f0aaad; x ^= x >> 15; x *= 0x735a2d97; x ^= x >> 15`).
 */

const M1 = 0x21f0aaad;
const M2 = 0x735a2d97;

/** The 32-bit mix of a (wrapped) 32-bit key, as an unsigned number. */
export function mix32(key: number): number {
  let h = key >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, M1);
  h ^= h >>> 15;
  h = Math.imul(h, M2);
  h ^= h >>> 15;
  return h >>> 0;
}

/** Uniform in (0, 1) from the high 16 bits of a hash. */
export const uHi = (h: number): number => (Math.floor(h / 65536) + 0.5) / 65536;
/** Uniform in (0, 1) from the low 16 bits of a hash. */
export const uLo = (h: number): number => ((h & 65535) + 0.5) / 65536;
/** Uniform in (0, 1) from all 32 bits of a hash. */
export const u32 = (h: number): number => (h + 0.5) / 4294967296;

/**
 * Standard normal quantiles at (i + 0.5) / 65536: a 16-bit uniform looks its normal up
 * here, so one 32-bit hash gives two normals without log, sqrt or trig (|n| ≤ 4.17).
 */
const NORMAL16 = buildNormalTable(65536);

/** A standard normal from the low 16 bits of a hash. */
export const normalLo = (h: number): number => NORMAL16[h & 65535];
/** A standard normal from the high 16 bits of a hash. */
export const normalHi = (h: number): number => NORMAL16[(h >>> 16) & 65535];

/**
 * A seeded pseudo-random source: same seed, same sequence, on every platform. Its functions are
 * closures, not methods, so they may be passed on alone (`const rand = createRandom(1).next`).
 */
export interface Random {
  /** Uniform in [0, 1). */
  next: () => number;
  /** Uniform integer in [0, n). */
  integer: (n: number) => number;
  /** Standard normal draw (Box–Muller). */
  normal: () => number;
}

/**
 * Creates a seeded generator (mulberry32: 32-bit state, period 2^32, good enough for
 * sampling and tests; not for cryptography).
 */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  let spare = NaN;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    integer: (n) => Math.floor(next() * n),
    normal: () => {
      if (!Number.isNaN(spare)) {
        const s = spare;
        spare = NaN;
        return s;
      }
      let u = next();
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}

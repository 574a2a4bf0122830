import { DAY_MS, parseDay } from './calendar.js';
import type { ArrayFamily, ResolvedOptions } from './options.js';
import type { Rng } from './rng.js';

/** Antennas, pads and configurations (§1). */

export interface Antenna {
  /** Index into the inventory, stable for a given options object. */
  index: number;
  name: string;
  /** Name prefix: DA, DV (12 m), CM (7 m), PM (12 m Total Power). */
  kind: 'DA' | 'DV' | 'CM' | 'PM';
  family: ArrayFamily;
  dishM: number;
  maker: string;
  executive: string;
}

export interface Pad {
  name: string;
  family: ArrayFamily | 'test';
  arm: string;
  xM: number;
  yM: number;
}

export interface Configuration {
  id: string;
  family: ArrayFamily;
  name: string;
  maxBaselineM: number;
  startMs: number;
  endMs: number;
  /** 1–10 for the 12-m Array, 0 for the fixed ACA / TP layouts. */
  level: number;
}

const KINDS = [
  { kind: 'DA', first: 41, family: '12m', dishM: 12, maker: 'AEM', executive: 'EU' },
  { kind: 'DV', first: 1, family: '12m', dishM: 12, maker: 'Vertex', executive: 'NA' },
  { kind: 'CM', first: 1, family: '7m', dishM: 7, maker: 'MELCO', executive: 'EA' },
  { kind: 'PM', first: 1, family: 'TP', dishM: 12, maker: 'MELCO', executive: 'EA' },
] as const;

export function buildAntennas(counts: ResolvedOptions['antennas']): Antenna[] {
  const out: Antenna[] = [];
  for (const k of KINDS) {
    for (let i = 0; i < counts[k.kind]; i++) {
      out.push({
        index: out.length,
        name: `${k.kind}${String(k.first + i).padStart(2, '0')}`,
        kind: k.kind,
        family: k.family,
        dishM: k.dishM,
        maker: k.maker,
        executive: k.executive,
      });
    }
  }
  return out;
}

// 192 pads for the 12-m Array and 22 for ACA/TP (§1.2 [A]) plus the OSF test facility.
const PAD_GROUPS: {
  prefix: string;
  from: number;
  count: number;
  family: Pad['family'];
  arm: string;
  rMin: number;
  rMax: number;
}[] = [
  { prefix: 'A', from: 1, count: 137, family: '12m', arm: 'central', rMin: 10, rMax: 1200 },
  { prefix: 'W', from: 201, count: 10, family: '12m', arm: 'west', rMin: 1000, rMax: 8000 },
  { prefix: 'S', from: 301, count: 10, family: '12m', arm: 'south', rMin: 1000, rMax: 8000 },
  { prefix: 'P', from: 401, count: 10, family: '12m', arm: 'pampa', rMin: 1500, rMax: 9000 },
  { prefix: 'N', from: 601, count: 25, family: '12m', arm: 'north', rMin: 500, rMax: 3000 },
  { prefix: 'J', from: 501, count: 18, family: '7m', arm: 'aca', rMin: 5, rMax: 50 },
  { prefix: 'T', from: 701, count: 4, family: 'TP', arm: 'tp', rMin: 40, rMax: 80 },
  { prefix: 'TF', from: 1, count: 8, family: 'test', arm: 'osf', rMin: 0, rMax: 100 },
];

const ARM_ANGLE: Record<string, number> = {
  west: Math.PI,
  south: -Math.PI / 2,
  pampa: -Math.PI / 4,
  north: Math.PI / 2,
};

export function buildPads(rng: Rng): Pad[] {
  const pads: Pad[] = [];
  for (const g of PAD_GROUPS) {
    for (let i = 0; i < g.count; i++) {
      const number = g.from + i;
      const name =
        g.prefix === 'TF' ? `TF${String(number).padStart(2, '0')}` : `${g.prefix}${String(number).padStart(3, '0')}`;
      // Pads further along the list lie further out, so compact configurations use the first ones.
      const r = g.rMin + (g.rMax - g.rMin) * Math.pow((i + rng.next()) / g.count, 2);
      const angle = ARM_ANGLE[g.arm] ?? rng.uniform(0, 2 * Math.PI);
      pads.push({
        name,
        family: g.family,
        arm: g.arm,
        xM: Math.round(r * Math.cos(angle)),
        yM: Math.round(r * Math.sin(angle)),
      });
    }
  }
  return pads;
}

/** Maximum baselines of C-1…C-10 (m), §1.2. */
export const MAX_BASELINE_M = [161, 314, 500, 784, 1400, 2500, 3600, 8500, 13900, 16200];

// Configurations follow an absolute calendar (a ping-pong C-1 → C-10 → C-1), so the
// configuration in force on a date does not depend on where the simulation starts.
const CONFIG_EPOCH = parseDay('2011-10-01');

function levelAt(periodIndex: number): number {
  const cyclePos = ((periodIndex % 18) + 18) % 18;
  return cyclePos < 10 ? cyclePos + 1 : 19 - cyclePos;
}

/** 12-m configurations in force during [startMs, endMs), plus the fixed ACA / TP layouts. */
export function buildConfigurations(startMs: number, endMs: number, everyDays: number): Configuration[] {
  const period = everyDays * DAY_MS;
  const out: Configuration[] = [];
  const first = Math.floor((startMs - CONFIG_EPOCH) / period);
  const last = Math.floor((endMs - 1 - CONFIG_EPOCH) / period);
  for (let p = first; p <= last; p++) {
    const level = levelAt(p);
    const s = CONFIG_EPOCH + p * period;
    out.push({
      id: `12m-${p}`,
      family: '12m',
      name: `C-${level}`,
      maxBaselineM: MAX_BASELINE_M[level - 1],
      startMs: s,
      endMs: s + period,
      level,
    });
  }
  out.push({ id: '7m-0', family: '7m', name: '7M', maxBaselineM: 48.9, startMs, endMs, level: 0 });
  out.push({ id: 'TP-0', family: 'TP', name: 'TP', maxBaselineM: 0, startMs, endMs, level: 0 });
  return out;
}

/** The 12-m pads a configuration of the given level draws from: compact ones from the central cluster. */
export function padPoolForLevel(pads: readonly Pad[], level: number): Pad[] {
  const central = pads.filter((p) => p.arm === 'central');
  const arms = pads
    .filter((p) => p.family === '12m' && p.arm !== 'central')
    .sort((a, b) => Math.hypot(a.xM, a.yM) - Math.hypot(b.xM, b.yM) || a.name.localeCompare(b.name));
  const centralCount = Math.max(50, Math.round(central.length * Math.min(1, 0.45 + level * 0.06)));
  const armCount = level <= 3 ? 0 : Math.round((arms.length * (level - 3)) / 7);
  return [...central.slice(0, centralCount), ...arms.slice(0, armCount)];
}

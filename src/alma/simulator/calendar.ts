/** Time helpers. Every timestamp inside the simulator is UTC epoch milliseconds. */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const YEAR_MS = 365.25 * DAY_MS;

export function parseDay(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Month 0–11 in UTC. */
export function monthOf(ms: number): number {
  return new Date(ms).getUTCMonth();
}

export function isFebruary(ms: number): boolean {
  return monthOf(ms) === 1;
}

export interface Cycle {
  /** Cycle number (Cycle 10 = Oct 2023 – Sep 2024). */
  number: number;
  /** Project-code prefix, e.g. '2023.1'. */
  prefix: string;
  /** Calendar year the cycle starts in (1 October). */
  startYear: number;
}

// Cycle start year → [cycle, code prefix] (§3.1). Cycle 7 ran two years (COVID), there was no 2020 call.
const CYCLES: Record<number, [number, string]> = {
  2011: [0, '2011.0'],
  2012: [1, '2012.1'],
  2013: [2, '2013.1'],
  2014: [2, '2013.1'],
  2015: [3, '2015.1'],
  2016: [4, '2016.1'],
  2017: [5, '2017.1'],
  2018: [6, '2018.1'],
  2019: [7, '2019.1'],
  2020: [7, '2019.1'],
  2021: [8, '2021.1'],
  2022: [9, '2022.1'],
  2023: [10, '2023.1'],
  2024: [11, '2024.1'],
};

/** The observing cycle a time belongs to (cycles run 1 October to 30 September). */
export function cycleOf(ms: number): Cycle {
  const d = new Date(ms);
  const startYear = d.getUTCMonth() >= 9 ? d.getUTCFullYear() : d.getUTCFullYear() - 1;
  const known = CYCLES[startYear];
  if (known) return { number: known[0], prefix: known[1], startYear };
  if (startYear < 2011) return { number: 0, prefix: '2011.0', startYear };
  return { number: 11 + (startYear - 2024), prefix: `${startYear}.1`, startYear };
}

/** Hours since midnight UTC, fractional. */
export function hourOfDay(ms: number): number {
  return (((ms % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
}

import { HOUR_MS, monthOf } from './calendar.js';
import type { ResolvedOptions } from './options.js';
import type { Rng } from './rng.js';

/**
 * The sky over the site, hour by hour: PWV from a seasonal log-normal AR(1) process, and
 * weather downtime exactly when that process is in its wettest monthly share of hours,
 * so weather gaps and high PWV coincide as they do on the real site.
 */
export class Weather {
  readonly pwvMm: Float64Array;
  readonly bad: Uint8Array;
  readonly groundTemperatureK: Float64Array;
  readonly groundPressurePa: Float64Array;
  readonly groundRelHumidity: Float64Array;

  constructor(
    readonly startMs: number,
    hours: number,
    model: ResolvedOptions['weather'],
    rng: Rng,
  ) {
    this.pwvMm = new Float64Array(hours);
    this.bad = new Uint8Array(hours);
    this.groundTemperatureK = new Float64Array(hours);
    this.groundPressurePa = new Float64Array(hours);
    this.groundRelHumidity = new Float64Array(hours);
    const phi = model.pwvHourlyPersistence;
    const innovation = Math.sqrt(1 - phi * phi);
    const zs = new Float64Array(hours);
    let z = rng.normal();
    let pressure = 0;
    for (let h = 0; h < hours; h++) {
      const t = startMs + h * HOUR_MS;
      const month = monthOf(t);
      z = phi * z + innovation * rng.normal();
      const utcHour = (t / HOUR_MS) % 24;
      // Local time is about UTC−4; PWV peaks mid-afternoon and is lowest before dawn.
      const diurnal = model.pwvDiurnalSwing * Math.cos((2 * Math.PI * (utcHour - 19)) / 24);
      const pwv = model.pwvMedianByMonth[month] * Math.exp(model.pwvLogSd * z + diurnal);
      this.pwvMm[h] = pwv;
      zs[h] = z;
      const summer = Math.cos((2 * Math.PI * (month - 0.5)) / 12);
      this.groundTemperatureK[h] =
        270 + 4 * summer + 5 * Math.cos((2 * Math.PI * (utcHour - 19)) / 24) + rng.gaussian(0, 0.8);
      pressure = 0.95 * pressure + rng.gaussian(0, 40);
      this.groundPressurePa[h] = 55_500 + pressure;
      this.groundRelHumidity[h] = Math.min(0.95, Math.max(0.02, 0.05 + 0.12 * pwv + rng.gaussian(0, 0.02)));
    }
    this.markBadHours(zs, model.weatherDowntimeByMonth);
  }

  /**
   * Bad weather = the wettest hours of each calendar month, exactly the configured share of
   * them. (A fixed threshold on the AR(1) process gave the right share only on average: with
   * hour-to-hour persistence 0.97 a month holds ~12 independent spells, so one November
   * lost 26 % instead of 9 %.)
   */
  private markBadHours(zs: Float64Array, shareByMonth: readonly number[]): void {
    let from = 0;
    while (from < zs.length) {
      const month = monthOf(this.startMs + from * HOUR_MS);
      let to = from;
      while (to < zs.length && monthOf(this.startMs + to * HOUR_MS) === month) to++;
      const sorted = zs.slice(from, to).sort();
      const badHours = Math.round(Math.min(1, Math.max(0, shareByMonth[month])) * (to - from));
      if (badHours > 0) {
        const threshold = sorted[sorted.length - badHours];
        for (let h = from; h < to; h++) this.bad[h] = zs[h] >= threshold ? 1 : 0;
      }
      from = to;
    }
  }

  hourIndex(ms: number): number {
    const h = Math.floor((ms - this.startMs) / HOUR_MS);
    return Math.min(this.pwvMm.length - 1, Math.max(0, h));
  }

  pwvAt(ms: number): number {
    return this.pwvMm[this.hourIndex(ms)];
  }

  isBad(ms: number): boolean {
    return this.bad[this.hourIndex(ms)] === 1;
  }

  /** End of the bad-weather spell that contains `ms` (the first good hour after it). */
  badUntil(ms: number): number {
    let h = this.hourIndex(ms);
    while (h < this.bad.length && this.bad[h] === 1) h++;
    return this.startMs + h * HOUR_MS;
  }

  /** Start of the next bad-weather spell at or after `ms`, or Infinity. */
  nextBad(ms: number): number {
    let h = this.hourIndex(ms);
    if (this.bad[h] === 1) return ms;
    while (h < this.bad.length && this.bad[h] === 0) h++;
    return h >= this.bad.length ? Infinity : this.startMs + h * HOUR_MS;
  }
}

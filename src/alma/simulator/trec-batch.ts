/**
 * Trec measurements as columns of typed arrays: the hot table never becomes objects.
 * Strings (EB UID, antenna, band, baseband, serials) are stored as small integer codes
 * and turned back into text by the writer's SQL, so DuckDB does the string work.
 */

export const TREC_RAW_COLUMNS = [
  ['eb', 'INTEGER'],
  ['caldataid', 'INTEGER'],
  ['scan', 'INTEGER'],
  ['start_ms', 'DOUBLE'],
  ['end_ms', 'DOUBLE'],
  ['antenna', 'INTEGER'],
  ['family', 'INTEGER'],
  ['band', 'INTEGER'],
  ['baseband', 'INTEGER'],
  ['sideband', 'INTEGER'],
  ['freq_lo_ghz', 'DOUBLE'],
  ['freq_hi_ghz', 'DOUBLE'],
  ['trec_x', 'FLOAT'],
  ['trec_y', 'FLOAT'],
  ['tsys_x', 'FLOAT'],
  ['tsys_y', 'FLOAT'],
  ['tatm_x', 'FLOAT'],
  ['tatm_y', 'FLOAT'],
  ['tau', 'FLOAT'],
  ['water', 'FLOAT'],
  ['groundtemperature', 'FLOAT'],
  ['groundpressure', 'FLOAT'],
  ['groundrelhumidity', 'FLOAT'],
  ['cartridge', 'INTEGER'],
  ['frontend', 'INTEGER'],
] as const;

/** Key columns of a spectrum row; the spectra themselves are flat Float32Arrays. */
export const SPECTRUM_KEY_COLUMNS = ['eb', 'caldataid', 'antenna', 'baseband'] as const;
export type SpectrumKeyColumn = (typeof SPECTRUM_KEY_COLUMNS)[number];

/** Spectra of some Trec rows: `channels` values per row and polarisation. */
export class SpectrumBatch {
  length = 0;
  capacity: number;
  keys: Record<SpectrumKeyColumn, Int32Array>;
  x: Float32Array;
  y: Float32Array;

  constructor(
    readonly channels: number,
    capacity = 256,
  ) {
    this.capacity = capacity;
    this.keys = Object.fromEntries(SPECTRUM_KEY_COLUMNS.map((k) => [k, new Int32Array(capacity)])) as Record<SpectrumKeyColumn, Int32Array>;
    this.x = new Float32Array(capacity * channels);
    this.y = new Float32Array(capacity * channels);
  }

  reserve(rows: number): void {
    const need = this.length + rows;
    if (need <= this.capacity) return;
    let capacity = this.capacity;
    while (capacity < need) capacity *= 2;
    for (const k of SPECTRUM_KEY_COLUMNS) {
      const grown = new Int32Array(capacity);
      grown.set(this.keys[k].subarray(0, this.length));
      this.keys[k] = grown;
    }
    const grow = (a: Float32Array) => {
      const grown = new Float32Array(capacity * this.channels);
      grown.set(a.subarray(0, this.length * this.channels));
      return grown;
    };
    this.x = grow(this.x);
    this.y = grow(this.y);
    this.capacity = capacity;
  }
}

export type TrecColumn = (typeof TREC_RAW_COLUMNS)[number][0];

export class TrecBatch {
  length = 0;
  capacity: number;
  columns: Record<TrecColumn, Float64Array>;
  readonly spectra: SpectrumBatch;

  constructor(capacity = 4096, spectrumChannels = 128) {
    this.spectra = new SpectrumBatch(spectrumChannels);
    this.capacity = capacity;
    this.columns = Object.fromEntries(TREC_RAW_COLUMNS.map(([name]) => [name, new Float64Array(capacity)])) as Record<TrecColumn, Float64Array>;
  }

  /** Makes room for `rows` more rows. */
  reserve(rows: number): void {
    const need = this.length + rows;
    if (need <= this.capacity) return;
    let capacity = this.capacity;
    while (capacity < need) capacity *= 2;
    for (const [name] of TREC_RAW_COLUMNS) {
      const grown = new Float64Array(capacity);
      grown.set(this.columns[name].subarray(0, this.length));
      this.columns[name] = grown;
    }
    this.capacity = capacity;
  }

  clear(): void {
    this.length = 0;
    this.spectra.length = 0;
  }
}

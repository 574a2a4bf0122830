import type { ColumnValues, ParquetColumnSpec, ParquetCompression } from '../../engine/parquet/column-chunk.js';
import type { ByteSink } from '../../engine/parquet/byte-sink.js';
import { encodeRowGroup, type EncodedRowGroup } from '../../engine/parquet/parquet-file-writer.js';
import { bandName } from './identifiers.js';
import type { ColumnTable, TrecPlanColumn } from './trec-batch.js';
import { expandTrecUnits, type ExpandedTrec, type SpectrumRows, type TrecRows } from './trec-expand.js';

/**
 * The Trec files' columns and how expanded rows map onto them: codes become dictionary
 * indices (the writer never hashes a string), X and Y side by side. `encodeTrecChunk` is
 * what a worker thread runs on one chunk of plan units.
 */

export const TREC_MEASUREMENT_COLUMNS: readonly ParquetColumnSpec[] = [
  { name: 'uid', type: 'string' },
  // Constant per scan or EB: dictionary pages (built during the expansion) make them a few bits per row.
  { name: 'caldataid', type: 'int32' },
  { name: 'scan', type: 'int32' },
  { name: 'startvalidtime', type: 'timestamp' },
  { name: 'endvalidtime', type: 'timestamp' },
  { name: 'antennaname', type: 'string' },
  { name: 'array_family', type: 'string' },
  { name: 'receiverband', type: 'string' },
  { name: 'basebandname', type: 'string' },
  // Null for double-sideband receivers (Bands 9, 10).
  { name: 'sideband', type: 'string', nullable: true },
  { name: 'freq_lo_ghz', type: 'double' },
  { name: 'freq_hi_ghz', type: 'double' },
  // Measured values: noise, incompressible (Snappy saves nothing on them), PLAIN.
  ...['trec_x', 'trec_y', 'tsys_x', 'tsys_y', 'tatm_x', 'tatm_y', 'tau', 'water'].map((name): ParquetColumnSpec => ({
    name,
    type: 'float',
  })),
  ...['groundtemperature', 'groundpressure', 'groundrelhumidity'].map((name): ParquetColumnSpec => ({
    name,
    type: 'float',
  })),
  { name: 'cartridge_serial', type: 'string' },
  { name: 'frontend_serial', type: 'string' },
];

export const TREC_SPECTRUM_COLUMNS: readonly ParquetColumnSpec[] = [
  { name: 'uid', type: 'string' },
  { name: 'caldataid', type: 'int32', dictionary: true },
  { name: 'antennaname', type: 'string' },
  { name: 'basebandname', type: 'string' },
  // Channel noise: statistics would bound nothing useful and cost a pass over every value.
  { name: 'trec_spectrum_x', type: 'float-list', statistics: false },
  { name: 'trec_spectrum_y', type: 'float-list', statistics: false },
];

const FAMILIES = ['12m', '7m', 'TP'];
const BANDS = Array.from({ length: 11 }, (_, b) => bandName(b));
const BASEBANDS = ['BB_1', 'BB_2', 'BB_3', 'BB_4'];
const SIDEBANDS = ['LSB', 'USB'];

/** Names behind the codes of one chunk. */
export interface TrecNames {
  /** UIDs of EBs `ebBase`, `ebBase + 1`, … (those the chunk refers to). */
  ebUids: readonly string[];
  ebBase: number;
  antennaNames: readonly string[];
  cartridgeSerials: readonly string[];
  frontEndNames: readonly string[];
}

function shifted(codes: Int32Array, length: number, by: number): Int32Array {
  const out = new Int32Array(length);
  for (let i = 0; i < length; i++) out[i] = codes[i] - by;
  return out;
}

function trecValues(rows: TrecRows, names: TrecNames): ColumnValues[] {
  const n = rows.length;
  return [
    { dictionary: names.ebUids, indices: shifted(rows.eb, n, names.ebBase) },
    { dictionary: Int32Array.from({ length: rows.maxScans }, (_, s) => s + 1), indices: rows.scan_index },
    {
      dictionary: Int32Array.from({ length: rows.maxScans }, (_, s) => 1 + 3 * s + (s > 0 ? 1 : 0)),
      indices: rows.scan_index,
    },
    { dictionary: rows.scanStartUs.subarray(0, rows.scans), indices: rows.scan_ref },
    { dictionary: rows.scanEndUs.subarray(0, rows.scans), indices: rows.scan_ref },
    { dictionary: names.antennaNames, indices: rows.antenna },
    { dictionary: FAMILIES, indices: rows.family },
    { dictionary: BANDS, indices: rows.band },
    { dictionary: BASEBANDS, indices: rows.baseband },
    // Sideband codes 1 LSB, 2 USB, 0 none → index −1: null.
    { dictionary: SIDEBANDS, indices: shifted(rows.sideband, n, 1) },
    { dictionary: rows.freqLoGhz.subarray(0, rows.ebs * 4), indices: rows.freq_ref },
    { dictionary: rows.freqHiGhz.subarray(0, rows.ebs * 4), indices: rows.freq_ref },
    rows.trec_x,
    rows.trec_y,
    rows.tsys_x,
    rows.tsys_y,
    rows.tatm_x,
    rows.tatm_y,
    rows.tau,
    rows.water,
    { dictionary: rows.groundT.subarray(0, rows.ebs), indices: rows.eb_ref },
    { dictionary: rows.groundP.subarray(0, rows.ebs), indices: rows.eb_ref },
    { dictionary: rows.groundRh.subarray(0, rows.ebs), indices: rows.eb_ref },
    { dictionary: names.cartridgeSerials, indices: rows.cartridge },
    { dictionary: names.frontEndNames, indices: rows.frontend },
  ];
}

function spectrumValues(spectra: SpectrumRows, names: TrecNames): ColumnValues[] {
  return [
    { dictionary: names.ebUids, indices: shifted(spectra.eb, spectra.length, names.ebBase) },
    spectra.caldataid,
    { dictionary: names.antennaNames, indices: spectra.antenna },
    { dictionary: BASEBANDS, indices: spectra.baseband },
    { values: spectra.x, listLength: spectra.channels },
    { values: spectra.y, listLength: spectra.channels },
  ];
}

export interface EncodedTrecChunk {
  trec: EncodedRowGroup;
  /** Null without spectra, or when no unit of the chunk has spectra. */
  spectra: EncodedRowGroup | null;
}

/**
 * Expands plan units and encodes them as one row group of each file. `scratch` keeps the
 * expanded rows' arrays between calls (see `expandTrecUnits`).
 */
export function encodeTrecChunk(
  plan: ColumnTable<TrecPlanColumn>,
  channels: number | null,
  names: TrecNames,
  compression: ParquetCompression,
  scratch?: { expanded?: ExpandedTrec },
  out?: { trec: ByteSink; spectra: ByteSink },
): EncodedTrecChunk {
  const expanded = expandTrecUnits(plan, channels, scratch?.expanded);
  if (scratch) scratch.expanded = expanded;
  const { rows, spectra } = expanded;
  return {
    trec: encodeRowGroup(TREC_MEASUREMENT_COLUMNS, trecValues(rows, names), rows.length, compression, out?.trec),
    spectra:
      spectra && spectra.length > 0
        ? encodeRowGroup(
            TREC_SPECTRUM_COLUMNS,
            spectrumValues(spectra, names),
            spectra.length,
            compression,
            out?.spectra,
          )
        : null,
  };
}

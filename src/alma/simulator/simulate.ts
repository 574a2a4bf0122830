import { Simulation } from './generate.js';
import type { SimulationOptionsInput } from './options.js';
import {
  ANTENNA_TABLE,
  ARRAY_FAMILY_TABLE,
  CONFIGURATION_TABLE,
  DEVICE_CHANGE_TABLE,
  EXECUTION_TABLE,
  GAP_TABLE,
  JOB_RUN_TABLE,
  PAD_TABLE,
  SHIFT_TABLE,
  TRUTH_TABLE,
  type ArrayFamilyRow,
} from './tables.js';
import { frontEndSerial } from './identifiers.js';
import { TREC_SPECTRUM_TABLE_NAME, TREC_TABLE_NAME } from './tables.js';
import { TrecSink } from './trec-sink.js';
import { RowTableWriter, SimulationWriter, type WrittenTable } from './writer.js';

export interface SimulationProgress {
  phase: 'generating' | 'writing';
  day: number;
  days: number;
  trecRows: number;
  /** Table being written (phase 'writing'). */
  table?: string;
}

export interface SimulationResult {
  tables: WrittenTable[];
  days: number;
  start: string;
  seed: number;
}

/** Measurement rows per Trec row group (~10 MB encoded); fewer with spectra on most EBs (a spectrum row is ~1 KB). */
const TREC_CHUNK_ROWS = 131_072;
const TREC_DENSE_SPECTRA_CHUNK_ROWS = 16_384;

const FAMILY_INFO: Record<string, Omit<ArrayFamilyRow, 'array_family' | 'n_antennas'>> = {
  '12m': { label: '12 [m]', dsa_kind: 'TWELVE-M', correlator: 'BL' },
  '7m': { label: '7 [m]', dsa_kind: 'SEVEN-M', correlator: 'ACA' },
  TP: { label: 'Total Power', dsa_kind: 'TP', correlator: 'ACA' },
};

/**
 * Simulates `days` of observatory data and writes one file per table into `out`.
 * Same options (seed included) → the same bytes.
 */
export async function simulate(input: SimulationOptionsInput, onProgress?: (p: SimulationProgress) => void): Promise<SimulationResult> {
  const sim = new Simulation(input);
  const o = sim.options;
  const writer = await SimulationWriter.open(o.out, o.format, o.memoryLimit);
  try {
    const conn = writer.conn;
    const tables: WrittenTable[] = [];
    const staticWriters = {
      antenna: await RowTableWriter.create(conn, ANTENNA_TABLE),
      pad: await RowTableWriter.create(conn, PAD_TABLE),
      arrayFamily: await RowTableWriter.create(conn, ARRAY_FAMILY_TABLE),
      configuration: await RowTableWriter.create(conn, CONFIGURATION_TABLE),
    };
    staticWriters.antenna.append(
      sim.antennas.map((a) => ({ antennaname: a.name, antenna_type: a.kind, array_family: a.family, dish_m: a.dishM, maker: a.maker, executive: a.executive })),
    );
    staticWriters.pad.append(sim.pads.map((p) => ({ pad_name: p.name, array_family: p.family, arm: p.arm, x_m: p.xM, y_m: p.yM })));
    staticWriters.arrayFamily.append(
      Object.entries(FAMILY_INFO).map(([family, info]) => ({ array_family: family, ...info, n_antennas: sim.antennas.filter((a) => a.family === family).length })),
    );
    staticWriters.configuration.append(
      sim.configurations.map((c) => ({
        configuration_id: c.id,
        array_family: c.family,
        configuration_name: c.name,
        max_baseline_m: c.maxBaselineM,
        start_ts: Math.max(c.startMs, sim.startMs),
        end_ts: Math.min(c.endMs, sim.endMs),
      })),
    );
    const dayWriters = {
      shift: await RowTableWriter.create(conn, SHIFT_TABLE),
      gap: await RowTableWriter.create(conn, GAP_TABLE),
      execution: await RowTableWriter.create(conn, EXECUTION_TABLE),
      deviceChange: await RowTableWriter.create(conn, DEVICE_CHANGE_TABLE),
      truth: await RowTableWriter.create(conn, TRUTH_TABLE),
      jobRun: await RowTableWriter.create(conn, JOB_RUN_TABLE),
    };
    const spectra = o.spectraShare > 0;
    const trec = new TrecSink({
      trecPath: writer.stagingPath(TREC_TABLE_NAME),
      spectrumPath: spectra ? writer.stagingPath(TREC_SPECTRUM_TABLE_NAME) : null,
      channels: spectra ? o.trec.spectrumChannels : null,
      antennaNames: sim.antennas.map((a) => a.name),
      frontEndNames: Array.from({ length: sim.antennas.length + o.devices.spareFrontEnds + 1 }, (_, n) => frontEndSerial(n)),
      // A spectrum row is ~1 KB: with spectra on most EBs, smaller row groups bound the memory.
      chunkRows: o.spectraShare >= 0.5 ? TREC_DENSE_SPECTRA_CHUNK_ROWS : TREC_CHUNK_ROWS,
      threads: o.threads,
    });
    let trecPlanned = 0;
    let day = 0;
    try {
    for (const batch of sim.days()) {
      dayWriters.shift.append(batch.shifts);
      dayWriters.gap.append(batch.gaps);
      dayWriters.execution.append(batch.executions);
      dayWriters.deviceChange.append(batch.deviceChanges);
      dayWriters.truth.append(batch.truth);
      dayWriters.jobRun.append(batch.jobRuns);
      trecPlanned += batch.trecPlan.rows;
      await trec.append(batch.trecPlan, sim.ebUids, sim.fleet.cartridgeSerials);
      day++;
      onProgress?.({ phase: 'generating', day, days: o.days, trecRows: trecPlanned });
    }
    } catch (e) {
      trec.abort();
      throw e;
    }
    // The small tables are written by DuckDB's threads while the Trec workers finish.
    const trecDone = trec.finish(sim.ebUids, sim.fleet.cartridgeSerials);
    trecDone.catch(() => {});
    const all = [...Object.values(staticWriters), ...Object.values(dayWriters)];
    for (const w of all) {
      w.close();
      onProgress?.({ phase: 'writing', day, days: o.days, trecRows: trecPlanned, table: w.spec.name });
      tables.push(await writer.copyTable(w.spec.name, w.rows));
    }
    onProgress?.({ phase: 'writing', day, days: o.days, trecRows: trecPlanned, table: TREC_TABLE_NAME });
    await trecDone;
    tables.push(await writer.adopt(TREC_TABLE_NAME, writer.stagingPath(TREC_TABLE_NAME), trec.trecRows));
    if (spectra) tables.push(await writer.adopt(TREC_SPECTRUM_TABLE_NAME, writer.stagingPath(TREC_SPECTRUM_TABLE_NAME), trec.spectrumRows));
    return { tables, days: o.days, start: o.start, seed: o.seed };
  } finally {
    writer.close();
  }
}

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
  MOUS_TABLE,
  OBSCORE_TABLE,
  PROJECT_TABLE,
  SCHED_BLOCK_TABLE,
  PAD_TABLE,
  SHIFT_TABLE,
  TRUTH_TABLE,
  type ArrayFamilyRow,
  type RowTableSpec,
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
export async function simulate(
  input: SimulationOptionsInput,
  onProgress?: (p: SimulationProgress) => void,
): Promise<SimulationResult> {
  const sim = new Simulation(input);
  const o = sim.options;
  const writer = new SimulationWriter(o.out, o.format, o.memoryLimit);
  const open: { abort(): void | Promise<void> }[] = [];
  const rowTable = <Row>(spec: RowTableSpec<Row>): RowTableWriter<Row> => {
    const w = new RowTableWriter(spec, writer.stagingPath(spec.name));
    open.push(w);
    return w;
  };
  try {
    const staticWriters = {
      antenna: rowTable(ANTENNA_TABLE),
      pad: rowTable(PAD_TABLE),
      arrayFamily: rowTable(ARRAY_FAMILY_TABLE),
      configuration: rowTable(CONFIGURATION_TABLE),
    };
    staticWriters.antenna.append(
      sim.antennas.map((a) => ({
        antennaname: a.name,
        antenna_type: a.kind,
        array_family: a.family,
        dish_m: a.dishM,
        maker: a.maker,
        executive: a.executive,
      })),
    );
    staticWriters.pad.append(
      sim.pads.map((p) => ({ pad_name: p.name, array_family: p.family, arm: p.arm, x_m: p.xM, y_m: p.yM })),
    );
    staticWriters.arrayFamily.append(
      Object.entries(FAMILY_INFO).map(([family, info]) => ({
        array_family: family,
        ...info,
        n_antennas: sim.antennas.filter((a) => a.family === family).length,
      })),
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
      shift: rowTable(SHIFT_TABLE),
      gap: rowTable(GAP_TABLE),
      execution: rowTable(EXECUTION_TABLE),
      deviceChange: rowTable(DEVICE_CHANGE_TABLE),
      truth: rowTable(TRUTH_TABLE),
      jobRun: rowTable(JOB_RUN_TABLE),
      mous: rowTable(MOUS_TABLE),
      obscore: rowTable(OBSCORE_TABLE),
    };
    const endWriters = { schedBlock: rowTable(SCHED_BLOCK_TABLE), project: rowTable(PROJECT_TABLE) };
    const spectra = o.spectraShare > 0;
    const trec = new TrecSink({
      trecPath: writer.stagingPath(TREC_TABLE_NAME),
      spectrumPath: spectra ? writer.stagingPath(TREC_SPECTRUM_TABLE_NAME) : null,
      channels: spectra ? o.trec.spectrumChannels : null,
      antennaNames: sim.antennas.map((a) => a.name),
      frontEndNames: Array.from({ length: sim.antennas.length + o.devices.spareFrontEnds + 1 }, (_, n) =>
        frontEndSerial(n),
      ),
      // A spectrum row is ~1 KB: with spectra on most EBs, smaller row groups bound the memory.
      chunkRows: o.spectraShare >= 0.5 ? TREC_DENSE_SPECTRA_CHUNK_ROWS : TREC_CHUNK_ROWS,
      threads: o.threads,
    });
    open.push(trec);
    let trecPlanned = 0;
    let day = 0;
    for (const batch of sim.days()) {
      dayWriters.shift.append(batch.shifts);
      dayWriters.gap.append(batch.gaps);
      dayWriters.execution.append(batch.executions);
      dayWriters.deviceChange.append(batch.deviceChanges);
      dayWriters.truth.append(batch.truth);
      dayWriters.jobRun.append(batch.jobRuns);
      dayWriters.mous.append(batch.mous);
      dayWriters.obscore.append(batch.obscore);
      trecPlanned += batch.trecPlan.rows;
      await trec.append(batch.trecPlan, sim.ebUids, sim.fleet.cartridgeSerials);
      day++;
      onProgress?.({ phase: 'generating', day, days: o.days, trecRows: trecPlanned });
    }
    // SB and project states are those at the end of the period, so they are filled last.
    const ends = sim.endStates();
    endWriters.schedBlock.append(ends.schedBlocks);
    endWriters.project.append(ends.projects);
    const tables: WrittenTable[] = [];
    for (const w of [...Object.values(staticWriters), ...Object.values(dayWriters), ...Object.values(endWriters)]) {
      onProgress?.({ phase: 'writing', day, days: o.days, trecRows: trecPlanned, table: w.spec.name });
      w.close();
      tables.push(await writer.adopt(w.spec.name, w.rows));
    }
    onProgress?.({ phase: 'writing', day, days: o.days, trecRows: trecPlanned, table: TREC_TABLE_NAME });
    await trec.finish(sim.ebUids, sim.fleet.cartridgeSerials);
    tables.push(await writer.adopt(TREC_TABLE_NAME, trec.trecRows));
    if (spectra) tables.push(await writer.adopt(TREC_SPECTRUM_TABLE_NAME, trec.spectrumRows));
    writer.publish(tables);
    return { tables, days: o.days, start: o.start, seed: o.seed };
  } catch (e) {
    // Nothing half-written stays behind: unfinished files go with the temporary folder.
    for (const w of open) await w.abort();
    throw e;
  } finally {
    await writer.close();
  }
}

import { parentPort, workerData } from 'node:worker_threads';
import { ByteSink } from '../../engine/parquet/byte-sink.js';
import type { ParquetCompression } from '../../engine/parquet/column-chunk.js';
import { writeAllAt, type RowGroupLayout } from '../../engine/parquet/parquet-file-writer.js';
import {
  ColumnTable,
  TREC_PLAN_COLUMNS,
  TrecPlan,
  type TrecEbColumn,
  type TrecPlanColumn,
  type TrecUnitColumn,
} from './trec-batch.js';
import { encodeTrecChunk, type EncodedTrecChunk } from './trec-files.js';

/**
 * Worker thread of `TrecSink`. For each chunk of plan units it expands and encodes one
 * row group per file into buffers of its own, and replies with their layouts only; once
 * the generating thread has placed them in the files it writes the bytes there itself
 * (positional writes through the files' descriptors) and reuses the buffers. So no
 * encoded byte crosses threads or is allocated twice.
 */

export interface TrecWorkerData {
  antennaNames: string[];
  frontEndNames: string[];
  channels: number | null;
  compression: ParquetCompression;
  /** Descriptors of the files being written (owned by the generating thread). */
  trecFd: number;
  spectrumFd: number | null;
}

export interface TrecTask {
  type: 'encode';
  id: number;
  /** The chunk's plan: EB rows and unit rows (joined here, off the generating thread). */
  ebs: number;
  eb: Record<TrecEbColumn, Float64Array>;
  units: number;
  unit: Record<TrecUnitColumn, Float64Array>;
  ebBase: number;
  ebUids: string[];
  newCartridgeSerials: string[];
}

/** Write chunk `id`'s row groups at these offsets. */
export interface TrecWrite {
  type: 'write';
  id: number;
  trecAt: number;
  spectrumAt: number | null;
}

export interface TrecLayouts {
  trec: RowGroupLayout;
  spectra: RowGroupLayout | null;
}

export type TrecWorkerReply =
  | { type: 'encoded'; id: number; layouts: TrecLayouts }
  | { type: 'written'; id: number }
  | { type: 'error'; id: number; error: string };

const layoutOf = (g: RowGroupLayout): RowGroupLayout => ({
  rows: g.rows,
  compression: g.compression,
  chunks: g.chunks,
});

if (parentPort) {
  const port = parentPort;
  const init = workerData as TrecWorkerData;
  const cartridgeSerials: string[] = [];
  const scratch = {};
  const joined = new ColumnTable<TrecPlanColumn>(TREC_PLAN_COLUMNS, 8192);
  // Output buffers: one per chunk awaiting its offsets, reused once written.
  const free: { trec: ByteSink; spectra: ByteSink }[] = [];
  const waiting = new Map<number, { buffers: { trec: ByteSink; spectra: ByteSink }; chunk: EncodedTrecChunk }>();
  const fail = (id: number, e: unknown) =>
    port.postMessage({
      type: 'error',
      id,
      error: e instanceof Error ? (e.stack ?? e.message) : String(e),
    } satisfies TrecWorkerReply);

  port.on('message', (message: TrecTask | TrecWrite) => {
    if (message.type === 'write') {
      try {
        const held = waiting.get(message.id);
        if (!held) throw new Error(`no encoded chunk ${message.id}`);
        waiting.delete(message.id);
        writeAllAt(init.trecFd, held.chunk.trec.bytes, message.trecAt);
        if (held.chunk.spectra && init.spectrumFd !== null && message.spectrumAt !== null)
          writeAllAt(init.spectrumFd, held.chunk.spectra.bytes, message.spectrumAt);
        free.push(held.buffers);
        port.postMessage({ type: 'written', id: message.id } satisfies TrecWorkerReply);
      } catch (e) {
        fail(message.id, e);
      }
      return;
    }
    const task = message;
    try {
      for (const s of task.newCartridgeSerials) cartridgeSerials.push(s);
      const plan = new TrecPlan();
      plan.eb.adopt(task.eb, task.ebs);
      plan.unit.adopt(task.unit, task.units);
      joined.clear();
      plan.appendJoinedTo(joined);
      const buffers = free.pop() ?? { trec: new ByteSink(1 << 20), spectra: new ByteSink(1 << 16) };
      buffers.trec.clear();
      buffers.spectra.clear();
      const chunk = encodeTrecChunk(
        joined,
        init.channels,
        {
          ebUids: task.ebUids,
          ebBase: task.ebBase,
          antennaNames: init.antennaNames,
          cartridgeSerials,
          frontEndNames: init.frontEndNames,
        },
        init.compression,
        scratch,
        buffers,
      );
      waiting.set(task.id, { buffers, chunk });
      const layouts: TrecLayouts = {
        trec: layoutOf(chunk.trec),
        spectra: chunk.spectra ? layoutOf(chunk.spectra) : null,
      };
      port.postMessage({ type: 'encoded', id: task.id, layouts } satisfies TrecWorkerReply);
    } catch (e) {
      fail(task.id, e);
    }
  });
}

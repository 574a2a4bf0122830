import { parentPort, workerData } from 'node:worker_threads';
import type { ParquetCompression } from '../../engine/parquet/column-chunk.js';
import { ColumnTable, TREC_PLAN_COLUMNS, type TrecPlanColumn } from './trec-batch.js';
import { encodeTrecChunk, type EncodedTrecChunk } from './trec-files.js';

/**
 * Worker thread of `TrecSink`: expands and encodes one chunk of plan units per message.
 * The cartridge serials grow during a simulation, so each task carries the ones this
 * worker has not seen yet.
 */

export interface TrecWorkerData {
  antennaNames: string[];
  frontEndNames: string[];
  channels: number | null;
  compression: ParquetCompression;
}

export interface TrecTask {
  id: number;
  units: number;
  columns: Record<TrecPlanColumn, Float64Array>;
  ebBase: number;
  ebUids: string[];
  newCartridgeSerials: string[];
}

export type TrecTaskResult = { id: number; chunk: EncodedTrecChunk } | { id: number; error: string };

/** The buffers of an encoded chunk, to transfer rather than copy. */
export function chunkBuffers(chunk: EncodedTrecChunk): ArrayBuffer[] {
  const groups = chunk.spectra ? [chunk.trec, chunk.spectra] : [chunk.trec];
  return groups.flatMap((g) => g.chunks.map((c) => c.bytes.buffer as ArrayBuffer));
}

if (parentPort) {
  const port = parentPort;
  const init = workerData as TrecWorkerData;
  const cartridgeSerials: string[] = [];
  const scratch = {};
  port.on('message', (task: TrecTask) => {
    try {
      for (const s of task.newCartridgeSerials) cartridgeSerials.push(s);
      const plan = ColumnTable.over(TREC_PLAN_COLUMNS, task.columns, task.units);
      const chunk = encodeTrecChunk(
        plan,
        init.channels,
        { ebUids: task.ebUids, ebBase: task.ebBase, antennaNames: init.antennaNames, cartridgeSerials, frontEndNames: init.frontEndNames },
        init.compression,
        scratch,
      );
      port.postMessage({ id: task.id, chunk } satisfies TrecTaskResult, chunkBuffers(chunk));
    } catch (e) {
      port.postMessage({ id: task.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies TrecTaskResult);
    }
  });
}

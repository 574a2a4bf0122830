import type { CellOutput } from './notebook-types.js';

/**
 * Adds an output a kernel sent while its cell runs (the server gathers them, the web UI shows
 * them): printed text continues the last output when that is text of the same stream, as the
 * kernels themselves merge it; anything else (a table, a chart, a value) comes after.
 */
export function appendOutput(outputs: readonly CellOutput[], output: CellOutput): CellOutput[] {
  const last = outputs[outputs.length - 1];
  if (output.type === 'text' && output.stream && last?.type === 'text' && last.stream === output.stream)
    return [...outputs.slice(0, -1), { ...last, text: last.text + output.text }];
  return [...outputs, output];
}

/**
 * What a kernel may send of printed text while a cell runs (kernels/, which cannot import this,
 * repeat the figures): a burst of STREAM_BURST lines, then STREAM_RATE a second. A cell printing
 * in a tight loop does not flood the server; the lines beyond go once the budget allows (a timer
 * in each kernel; TypeScript's fires when the cell next awaits) and the cell's answer has them all.
 */
export const STREAM_BURST = 200;
export const STREAM_RATE = 50;

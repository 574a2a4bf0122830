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

/** Most outputs a kernel sends while one cell runs: a cell printing in a tight loop shows the rest at its end. */
export const MAX_STREAMED_OUTPUTS = 2000;

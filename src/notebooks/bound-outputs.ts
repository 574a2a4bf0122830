import { TABLE_SAVED_ROWS, type CellOutput } from './notebook-types.js';

/** Longest text (printed output, a value, a traceback) kept in one output. */
const MAX_TEXT = 20_000;
/** Largest image kept, as base64 characters. */
const MAX_IMAGE = 512 * 1024;
/** Longest string value kept in one table cell. */
const MAX_VALUE = 1000;

function clip(text: string, max = MAX_TEXT): string {
  return text.length <= max
    ? text
    : `${text.slice(0, max)}\n… (${(text.length - max).toLocaleString('en-US')} more characters not kept)`;
}

const clipValue = (v: unknown) => (typeof v === 'string' && v.length > MAX_VALUE ? clip(v, MAX_VALUE) : v);

/**
 * Outputs cut to what a notebook keeps, so a saved notebook stays small (every save is a
 * revision): tables keep their first `rows` rows (their `total` still says how many there
 * were), long texts and tracebacks their beginning, images up to 512 KB.
 */
export function boundOutputs(outputs: readonly CellOutput[], rows = TABLE_SAVED_ROWS): CellOutput[] {
  return outputs.map((o): CellOutput => {
    switch (o.type) {
      case 'text':
        return { ...o, text: clip(o.text) };
      case 'error':
        return { ...o, message: clip(o.message, 2000), traceback: clip(o.traceback) };
      case 'table':
        return { ...o, rows: o.rows.slice(0, rows).map((r) => r.map(clipValue)) };
      case 'image':
        return o.data.length <= MAX_IMAGE
          ? o
          : {
              type: 'text',
              text: `(an image of ${o.data.length.toLocaleString('en-US')} base64 characters, not kept)`,
            };
      case 'chart':
        return o;
    }
  });
}

/**
 * Nesting depth of JSON text, found by one pass over its characters without parsing it, so
 * that text nested thousands of levels deep can be refused before anything recursive (a
 * parser, a schema check, DuckDB's type detection) walks it. Brackets inside strings do not
 * count; the text need not be valid JSON (the parser that runs afterwards says what is wrong).
 */
export function jsonDepth(text: string, stopAbove = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
      continue;
    }
    if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return deepest;
      }
    } else if (ch === 0x5d || ch === 0x7d) depth = Math.max(0, depth - 1);
  }
  return deepest;
}

/** The message for text nested deeper than `limit`, naming the setting that raises it. */
export function tooDeepMessage(what: string, limit: number): string {
  return `${what} is nested more than ${limit} levels deep (the limit, LLANO_MAX_JSON_DEPTH)`;
}

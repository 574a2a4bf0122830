import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { badRequest } from '../common/errors.js';
import type { Compression } from './compression.js';

/** The byte-order mark some editors put in front of UTF-8 text (read as latin-1, as the sniffer does). */
const UTF8_BOM_LATIN1 = '\u00ef\u00bb\u00bf';

/** The first character of the content past a UTF-8 byte-order mark and white space. */
export function firstCharacter(head: Buffer): string | undefined {
  let text = head.toString('latin1');
  if (text.startsWith(UTF8_BOM_LATIN1)) text = text.slice(UTF8_BOM_LATIN1.length);
  return text.trimStart()[0];
}

const TAIL_BYTES = 64;

/**
 * DuckDB reads an array whose closing `]` is missing as if it were there when the file is cut
 * right after a record (`[{…},{…},`): a truncated file would import as a shorter one. So a file
 * that starts with `[` must end with `]` (white space aside), checked on its last bytes.
 */
export function checkArrayTail(tail: Buffer, shownName: string): void {
  if (tail.toString('latin1').trimEnd().endsWith(']')) return;
  throw badRequest(
    `Malformed JSON: the array is not closed: "${shownName}" starts with "[" but ends without its closing "]" (is the file cut short?)`,
  );
}

/** {@link checkArrayTail} of an uncompressed file (a gzip one's tail comes from checkComplete, a zstd one's from readZstdTail). */
export async function checkArrayClosed(path: string, shownName: string): Promise<void> {
  const handle = await open(path, 'r');
  let tail: Buffer;
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - TAIL_BYTES);
    tail = Buffer.alloc(size - start);
    await handle.read(tail, 0, tail.length, start);
  } finally {
    await handle.close();
  }
  checkArrayTail(tail, shownName);
}

/** The file's text, decompressed; both streams closed by `close`. */
function contentStream(
  path: string,
  compression: Compression | undefined,
): { stream: Readable; close: () => void } | undefined {
  const file = createReadStream(path);
  if (!compression) return { stream: file, close: () => file.destroy() };
  if (compression === 'gzip') {
    const gunzip = file.pipe(createGunzip());
    return { stream: gunzip, close: () => (file.destroy(), gunzip.destroy()) };
  }
  file.destroy();
  return undefined; // Node 20 has no zstd decompressor: DuckDB's own message stands.
}

/**
 * The line where the first JSON lines record that is not one complete JSON value starts, and why,
 * or undefined when every line parses (the error lies elsewhere). DuckDB's own message counts
 * records, not lines, one too many, and skips blank lines, so it cannot be shown as a line number.
 */
export async function findBadJsonLine(
  path: string,
  compression: Compression | undefined,
): Promise<{ line: number; cutShort: boolean } | undefined> {
  const input = contentStream(path, compression);
  if (!input) return undefined;
  const decoder = new StringDecoder('utf8');
  let number = 0;
  let pending = '';
  const bad = (text: string) => {
    number++;
    if (!text.trim()) return undefined;
    try {
      JSON.parse(text);
      return undefined;
    } catch {
      return { line: number, cutShort: endsEarly(text) };
    }
  };
  try {
    for await (const chunk of input.stream as AsyncIterable<Buffer>) {
      const lines = (pending + decoder.write(chunk)).split('\n');
      pending = lines.pop()!;
      for (const text of lines) {
        const found = bad(text);
        if (found) return found;
      }
    }
    return bad(pending + decoder.end());
  } catch {
    return undefined; // an unreadable stream: DuckDB's own message stands
  } finally {
    input.close();
  }
}

/** True when the line is the opening of a value that a later line would have to finish. */
function endsEarly(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return inString || depth > 0;
}

/**
 * The message for a JSON lines file DuckDB could not read: the start line of the faulty record, and
 * whether it runs on over a line break; undefined when the file's lines all parse.
 */
export async function jsonLinesErrorMessage(
  path: string,
  compression: Compression | undefined,
  shownName: string,
): Promise<string | undefined> {
  const bad = await findBadJsonLine(path, compression);
  if (!bad) return undefined;
  const where = `the record starting at line ${bad.line} of "${shownName}"`;
  return bad.cutShort
    ? `Malformed JSON lines: ${where} does not end on its line (each record must be one whole JSON value on one line)`
    : `Malformed JSON lines: ${where} is not valid JSON`;
}

import { badRequest } from '../common/errors.js';

/**
 * JSON.parse turns a number past a double's range (`1e400`) into Infinity, which JSON.stringify
 * then writes as `null`: a parameter check would answer "got number null". The caller needs to
 * hear that the number they sent is out of range, and where it stands in the body.
 */
export function checkNumbersInRange(body: unknown, where = 'the body'): void {
  if (typeof body === 'number') {
    if (!Number.isFinite(body))
      throw badRequest(
        `${where}: the number is out of range (${body < 0 ? 'below -1.8e308' : 'over 1.8e308'}): a finite double is required`,
      );
    return;
  }
  if (typeof body !== 'object' || body === null) return;
  if (Array.isArray(body)) body.forEach((item, i) => checkNumbersInRange(item, `${where}[${i}]`));
  else
    for (const [name, value] of Object.entries(body))
      checkNumbersInRange(value, where === 'the body' ? name : `${where}.${name}`);
}

/** Numbers as people read them in CLI tables; `--json` output keeps full precision. */

export { formatAggregateNumber, formatTypedNumber, significantDigits } from '../common/number-format.js';

/** A distinct count, marked `≈` when it is an estimate. */
export function formatDistinct(n: number, approximate: boolean): string {
  return `${approximate ? '≈' : ''}${n}`;
}

import { badRequest } from '../../common/errors.js';
import type { CheckType } from '../check-type.js';
import { inSetCheck, notNullCheck, patternCheck, rangeCheck, uniqueCheck } from './column-rules.js';
import { freshnessCheck, metricBoundsCheck, metricChangeCheck, rowCountChangeCheck } from './metric-checks.js';

/** Every check type. Adding a type = adding a definition and one line here. */
export const checkTypes: CheckType[] = [metricBoundsCheck, metricChangeCheck, rowCountChangeCheck, freshnessCheck, notNullCheck, uniqueCheck, inSetCheck, patternCheck, rangeCheck];

export function checkType(type: unknown): CheckType {
  const t = checkTypes.find((c) => c.type === type);
  if (!t) throw badRequest(`unknown check type ${JSON.stringify(type)}; known: ${checkTypes.map((c) => c.type).join(', ')}`);
  return t;
}

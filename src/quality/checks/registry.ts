import { createRegistry } from '../../common/registry.js';
import type { CheckType } from '../check-type.js';
import { inSetCheck, notNullCheck, patternCheck, rangeCheck, uniqueCheck } from './column-rules.js';
import { freshnessCheck, metricBoundsCheck, metricChangeCheck, rowCountChangeCheck } from './metric-checks.js';

/** Every check type. Adding a type = adding a definition (`defineCheck` or `columnRule`) and one line here. */
export const checkTypes = createRegistry<CheckType>('check type', [
  metricBoundsCheck,
  metricChangeCheck,
  rowCountChangeCheck,
  freshnessCheck,
  notNullCheck,
  uniqueCheck,
  inSetCheck,
  patternCheck,
  rangeCheck,
]);

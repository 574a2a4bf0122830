import { LOCAL_ADMIN } from '../catalog/access.js';
import { setDatasetPartitioning } from '../flow/partitions/partitions-service.js';
import type { PartitionTarget } from '../flow/partitions/partition-targets.js';
import { saveRecipe } from '../flow/recipes-service.js';
import type { Workspace } from '../workspace/workspace.js';

/**
 * The parts of the platform a new user should find populated in the demo beyond SQL and
 * analytics: a dataset partitioned by day with a recipe built partition by partition, a recipe
 * with several outputs (split), and a project library imported by a TypeScript recipe.
 * TypeScript because it needs no interpreter beyond Node, so the first build succeeds anywhere.
 */

/** Both sides name their dimension `day`, so an output day reads the same input day. */
const byDay = (column: string) => ({ dimensions: [{ name: 'day', type: 'time', period: 'day', column }] });

const CHANGES_WITH_FREQUENCY_TS = `import { BAND_GHZ } from './lib/receiver_bands.ts';

// Each detected change point with its band's frequency range, for reports that speak in GHz.
export default async function run({ inputs, output }) {
  for await (const row of inputs.trec_change_points) {
    const [low, high] = BAND_GHZ[row.receiverband] ?? [null, null];
    await output.write({ antennaname: row.antennaname, receiverband: row.receiverband, band_low_ghz: low, band_high_ghz: high });
  }
}
`;

export const demoPlatformRecipes = [
  {
    name: 'trec_daily_receivers',
    type: 'sql',
    inputs: ['trec_measurement'],
    output: 'trec_daily',
    description:
      'Per day, array and band: measurements and median Trec. Partitioned by day, so a new day builds alone.',
    sql: `SELECT CAST(startvalidtime AS DATE) AS day, array_family, receiverband,
  count(*) AS measurements, median(trec_x) AS trec_x_median, median(trec_y) AS trec_y_median
FROM trec_measurement
WHERE CAST(startvalidtime AS DATE) = DATE '{{partition.day}}'
GROUP BY ALL
ORDER BY array_family, receiverband`,
  },
  {
    name: 'split_shifts_by_array',
    type: 'split',
    inputs: ['shift_metrics'],
    outputs: ['shift_metrics_12m', 'shift_metrics_aca'],
    description: 'The main array apart from the Atacama Compact Array (7 m and total power), one run for both.',
    params: {
      mode: 'value',
      column: 'array_family',
      outputs: { '12m': 'shift_metrics_12m', '7m': 'shift_metrics_aca', TP: 'shift_metrics_aca' },
    },
  },
  {
    name: 'change_points_with_frequency',
    type: 'typescript',
    inputs: ['trec_change_points'],
    output: 'trec_change_frequencies',
    description: 'Change points with their band frequency range, from the project library receiver_bands.ts.',
    code: CHANGES_WITH_FREQUENCY_TS,
  },
];

/**
 * Saves the showcase: the recipes (the library file they import is demo-code.ts's), the day partitionings of the
 * measurements (found in the data) and of the daily output.
 * Returns what the first build makes (every day partition of `trec_daily`).
 */
export async function saveDemoPlatformObjects(ws: Workspace, project: string): Promise<(string | PartitionTarget)[]> {
  for (const r of demoPlatformRecipes) await saveRecipe(ws, LOCAL_ADMIN, project, r);
  await setDatasetPartitioning(ws, LOCAL_ADMIN, project, 'trec_measurement', byDay('startvalidtime'));
  await setDatasetPartitioning(ws, LOCAL_ADMIN, project, 'trec_daily', byDay('day'));
  return [{ dataset: 'trec_daily', partitions: 'all' }, 'shift_metrics_12m', 'trec_change_frequencies'];
}

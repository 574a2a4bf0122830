import { LOCAL_ADMIN } from '../catalog/access.js';
import { saveNotebook } from '../notebooks/notebooks-service.js';
import type { Workspace } from '../workspace/workspace.js';

export const DEMO_NOTEBOOK = 'receiver_first_look';

/**
 * A notebook a receiver engineer would start from: one cell of each kind, reading the demo's
 * built datasets. Saved without outputs (its kernels start when a cell runs, not at the demo's
 * start); the Python cell needs pandas, as every `sql()` / `dataset()` frame of a Python cell does.
 */
const demoNotebook = {
  id: DEMO_NOTEBOOK,
  name: 'Receiver temperatures: a first look',
  description: 'SQL, Python and TypeScript cells over the receiver-temperature QA datasets.',
  cells: [
    {
      type: 'markdown',
      source: `# Receiver temperatures: a first look

Which receivers drift, which jump, and where in the sky-frequency range. Each cell reads the project's
datasets by name: SQL cells query them directly, Python and TypeScript cells call \`sql(…)\` or
\`dataset(name)\`. Run a cell with **Shift+Enter**; a cell can become a recipe of the flow.`,
    },
    {
      type: 'sql',
      source: `-- Trend test per receiver (recipe test_trec_trends): how many warm up or cool down, per band.
SELECT receiverband,
       count(*) AS receivers,
       count(*) FILTER (WHERE trend = 'increasing') AS warming,
       count(*) FILTER (WHERE trend = 'decreasing') AS cooling,
       round(median(slope) * 30, 2) AS median_k_per_30_days
FROM trec_trends
GROUP BY receiverband
ORDER BY receiverband`,
    },
    {
      type: 'python',
      source: `# Change points per band with the band's frequency range (project library receiver_bands.py).
from receiver_bands import BAND_GHZ

changes = dataset("trec_change_points")
per_band = changes.groupby("receiverband").agg(
    changes=("antennaname", "size"),
    receivers=("antennaname", "nunique"),
    median_jump_pct=("relative_magnitude", lambda m: round(100 * m.abs().median(), 1)),
).reset_index()
per_band["ghz"] = per_band["receiverband"].map(lambda b: "%d–%d" % BAND_GHZ.get(b, (0, 0)))
per_band`,
    },
    {
      type: 'typescript',
      source: `// Daily median of Band 7's array-relative Trec, drawn as an ECharts line.
const days = await sql(\`SELECT CAST(eb_start AS DATE)::VARCHAR AS day, median(trec_k_norm) AS trec_k
  FROM eb_trec_antenna_band WHERE receiverband = 'ALMA_RB_07' GROUP BY 1 ORDER BY 1\`);
chart({
  title: { text: 'Band 7: daily median Trec (K)' },
  tooltip: { trigger: 'axis' },
  xAxis: { type: 'category', data: days.map((d) => d.day) },
  yAxis: { type: 'value', name: 'K', scale: true },
  series: [{ type: 'line', data: days.map((d) => d.trec_k), showSymbol: false }],
});`,
    },
    {
      type: 'markdown',
      source: `Next: the **Receiver-temperature QA** dashboard, the explorer webapp, and the scenario
*Trec early warning* that watches each receiver online after every load.`,
    },
  ],
};

export async function saveDemoNotebook(ws: Workspace, project: string): Promise<void> {
  await saveNotebook(ws, LOCAL_ADMIN, project, demoNotebook);
}

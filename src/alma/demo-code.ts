import { LOCAL_ADMIN } from '../catalog/access.js';
import { saveRecipe } from '../flow/recipes-service.js';
import { saveCodeEnvironment } from '../recipes/code/code-environments.js';
import { saveLibraryFile } from '../recipes/code/code-libraries.js';
import { findInterpreter } from '../sandbox/interpreters.js';
import type { Workspace } from '../workspace/workspace.js';
import { receiverBandsLibrary } from './demo-receiver-bands.js';

/**
 * The demo's code beyond TypeScript: a Python recipe importing the project library
 * receiver_bands.py, an R recipe, a code environment naming the Python packages its runs record,
 * and the trend recipe of receiver-temperature QA. Python and R are optional on a machine:
 * their recipes are left out, with a log line, where the interpreter does not answer, so the
 * demo's first build succeeds anywhere.
 */

/** Per band: science EBs, hours on sky and QA0 pass rate, with the band's frequencies (a library). */
const BAND_USAGE_PY = `"""Per receiver band: science EBs run, hours on sky and QA0 pass rate, with the band's
sky-frequency range from the project library receiver_bands.py."""
from datetime import datetime

from receiver_bands import BAND_GHZ


def run(inputs, output, variables, log):
    bands = {}
    for eb in inputs["execution"]:
        if eb["is_calibration"] or not eb["end_ts"]:
            continue
        start, end = datetime.fromisoformat(eb["start_ts"]), datetime.fromisoformat(eb["end_ts"])
        band = bands.setdefault(eb["band"], {"ebs": 0, "hours": 0.0, "passed": 0})
        band["ebs"] += 1
        band["hours"] += (end - start).total_seconds() / 3600
        band["passed"] += eb["qa0_status"] == "Pass"
    for name, band in sorted(bands.items()):
        low, high = BAND_GHZ.get(name, (None, None))
        output.write({
            "receiverband": name,
            "band_low_ghz": low,
            "band_high_ghz": high,
            "science_ebs": band["ebs"],
            "hours_on_sky": round(band["hours"], 2),
            "qa0_pass_pct": round(100 * band["passed"] / band["ebs"], 1),
        })
    log(f"{len(bands)} receiver bands used")
`;

/** Weekly efficiency per array with a t interval: R's statistics on a data.frame, base R only. */
const WEEKLY_EFFICIENCY_R = `# Weekly mean observing efficiency (calibrations included) per array, with a 95 % t interval:
# is a week's dip more than the shift-to-shift noise?
run <- function(inputs, output, variables, log) {
  shifts <- inputs$shift_metrics
  week <- format(as.Date(substr(shifts$shift_date, 1, 10)), "%G-W%V")
  groups <- split(shifts$observation_efficiency_with_cal_pct, list(shifts$array_family, week), drop = TRUE, sep = "|")
  rows <- lapply(names(groups), function(key) {
    x <- groups[[key]][!is.na(groups[[key]])]
    n <- length(x)
    half <- if (n > 1) qt(0.975, n - 1) * sd(x) / sqrt(n) else NA_real_
    parts <- strsplit(key, "|", fixed = TRUE)[[1]]
    data.frame(array_family = parts[1], week = parts[2], shifts = n, efficiency_pct = mean(x),
               ci_low_pct = mean(x) - half, ci_high_pct = mean(x) + half)
  })
  weekly <- do.call(rbind, rows)
  weekly <- weekly[weekly$shifts > 0, ]
  log(nrow(weekly), "array-weeks")
  output$write(weekly[order(weekly$array_family, weekly$week), ])
}
`;

export const DEMO_PYTHON_ENVIRONMENT = 'alma_python';

const pythonEnvironment = {
  name: DEMO_PYTHON_ENVIRONMENT,
  language: 'python',
  description:
    'The machine’s Python: each run records its interpreter and the versions of the packages named here in its output’s lineage.',
  packages: ['pandas', 'numpy'],
};

export const demoCodeRecipes = {
  python: {
    name: 'summarise_band_usage',
    type: 'python',
    inputs: ['execution'],
    output: 'band_usage',
    environment: DEMO_PYTHON_ENVIRONMENT,
    description:
      'Per receiver band: science EBs, hours on sky, QA0 pass rate and frequency range (Python, library receiver_bands.py).',
    code: BAND_USAGE_PY,
  },
  r: {
    name: 'weekly_efficiency_interval',
    type: 'r',
    inputs: ['shift_metrics'],
    output: 'weekly_efficiency',
    description: 'Weekly mean observing efficiency per array with a 95 % t interval (R, base statistics).',
    code: WEEKLY_EFFICIENCY_R,
  },
} as const;

/** Receiver-temperature QA's trend test: which receivers warm up or cool down over the period. */
export const demoTrendRecipe = {
  name: 'test_trec_trends',
  type: 'trend',
  inputs: ['eb_trec_antenna_band'],
  output: 'trec_trends',
  groupBy: ['antennaname', 'receiverband'],
  orderBy: 'eb_start',
  // Kelvins on the array-relative scale, so the slope reads K per day for this receiver alone.
  column: 'trec_k_norm',
  description:
    'Mann–Kendall test and Theil–Sen slope (K per day) of each receiver’s array-relative Trec: the slow drifts change points do not catch.',
};

export type CodeLanguagesFound = { python: boolean; r: boolean };

/** Whether the machine answers for Python and R (one short process each, started together). */
export async function codeLanguagesFound(ws: Workspace): Promise<CodeLanguagesFound> {
  const [python, r] = await Promise.all([findInterpreter('python', ws.config.python), findInterpreter('r')]);
  return { python: python.version !== null, r: r.version !== null };
}

/**
 * Saves the library files, the environment and the recipes the machine can run; returns the
 * datasets the first build makes.
 */
export async function saveDemoCode(
  ws: Workspace,
  project: string,
  found: CodeLanguagesFound,
  log: (line: string) => void,
): Promise<string[]> {
  for (const file of receiverBandsLibrary) await saveLibraryFile(ws, LOCAL_ADMIN, project, file);
  await saveRecipe(ws, LOCAL_ADMIN, project, demoTrendRecipe);
  const targets: string[] = [demoTrendRecipe.output];
  if (found.python) {
    await saveCodeEnvironment(ws, LOCAL_ADMIN, project, pythonEnvironment);
    await saveRecipe(ws, LOCAL_ADMIN, project, demoCodeRecipes.python);
    targets.push(demoCodeRecipes.python.output);
  } else
    log(
      `Python not found (${ws.config.python ?? 'LLANO_PYTHON, /usr/bin/python3 or python3'}): the demo's Python recipe is left out`,
    );
  if (found.r) {
    await saveRecipe(ws, LOCAL_ADMIN, project, demoCodeRecipes.r);
    targets.push(demoCodeRecipes.r.output);
  } else log(`R not found (Rscript on the PATH): the demo's R recipe is left out`);
  return targets;
}

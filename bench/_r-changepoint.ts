// R's changepoint package as a reference measured in the same run on the same series (used by
// bench/analytics.ts; the leading underscore keeps `npm run bench` from running it on its own).
// The series goes to R as raw doubles; R times `cpt.mean` itself (CPU and wall, median of `runs`),
// so R's start-up and the file transfer are not counted.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Whether `Rscript` runs and loads `changepoint`; `reason` says what is missing when not. */
export function rChangepointAvailable(): { ok: true } | { ok: false; reason: string } {
  const r = spawnSync(
    'Rscript',
    ['-e', 'suppressMessages(library(changepoint)); cat(format(packageVersion("changepoint")))'],
    {
      encoding: 'utf8',
    },
  );
  if (r.error) return { ok: false, reason: `Rscript did not start (${r.error.message})` };
  if (r.status !== 0)
    return {
      ok: false,
      reason:
        'the R package changepoint is not installed (Debian bookworm has no r-cran-changepoint; CRAN is not reachable here)',
    };
  return { ok: true };
}

export interface RTiming {
  /** Median CPU time of R's process for one call, ms. */
  cpu: number;
  wall: number;
  /** 0-based index of the first point of each new segment (R reports the last point, 1-based, of each segment before a change: the same number). */
  changes: number[];
}

const SCRIPT = `
suppressMessages(library(changepoint))
args <- commandArgs(trailingOnly = TRUE)
x <- readBin(args[1], what = "double", n = as.integer(args[2]), endian = "little")
method <- args[3]; runs <- as.integer(args[4])
run <- function() if (method == "PELT") cpt.mean(x, method = "PELT", penalty = "MBIC") else cpt.mean(x, method = "BinSeg", penalty = "MBIC", Q = 5)
fit <- run()
cpu <- numeric(runs); wall <- numeric(runs)
for (k in seq_len(runs)) { t <- system.time(run()); cpu[k] <- t[["user.self"]] + t[["sys.self"]]; wall[k] <- t[["elapsed"]] }
cat(median(cpu) * 1000, median(wall) * 1000, paste(cpts(fit), collapse = " "), sep = "\\n")
`;

/** Times R's `cpt.mean(x, method, penalty = "MBIC")` (BinSeg with Q = 5) on `values`. */
export function measureRChangepoint(values: Float64Array, method: 'PELT' | 'BinSeg', runs: number): RTiming {
  const dir = mkdtempSync(path.join(tmpdir(), 'llano-bench-r-'));
  try {
    const data = path.join(dir, 'x.bin');
    writeFileSync(data, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    const r = spawnSync('Rscript', ['-e', SCRIPT, data, String(values.length), method, String(runs)], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`Rscript failed: ${r.stderr}`);
    const [cpu, wall, cpts = ''] = r.stdout.trim().split('\n');
    return { cpu: Number(cpu), wall: Number(wall), changes: cpts.split(' ').filter(Boolean).map(Number) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

import type { Automation } from './automation.js';
import { reporterTypes } from './reporters/registry.js';
import { DEFAULT_TEMPLATE, fillTemplate } from './reporters/template.js';
import type { ReporterConfig, Scenario } from './scenario.js';
import type { RunOutcome, RunSummary } from './types.js';

/** Reporters wait this long at most (less when the server stops): a dead mail server must not hold a run's end for ever. */
const REPORT_TIMEOUT_MS = 30_000;

export function reporterApplies(on: ReporterConfig['on'], outcome: RunOutcome): boolean {
  if (on === 'always') return true;
  if (on === 'success') return outcome === 'SUCCESS';
  if (on === 'warning') return outcome === 'WARNING';
  return outcome === 'FAILED' || outcome === 'ABORTED';
}

/**
 * Sends every reporter whose condition matches the outcome. A reporter failing is logged on
 * the run (without its settings: no password reaches a log) and does not change the outcome.
 */
export async function sendReports(automation: Automation, scenario: Scenario, summary: RunSummary): Promise<void> {
  // Each line carries the time it is written: a reporter retrying for seconds logs when each attempt failed.
  const log = (level: 'info' | 'warn', message: string) =>
    automation.runs.log(summary.runId, level, message, automation.nowIso());
  for (const r of scenario.reporters) {
    if (!reporterApplies(r.on, summary.outcome)) continue;
    let attemptLogs: Promise<unknown> = Promise.resolve();
    try {
      const type = reporterTypes.get(r.channel);
      await type.send(
        {
          ws: automation.ws,
          signal: AbortSignal.any([AbortSignal.timeout(REPORT_TIMEOUT_MS), automation.graceOverSignal]),
          now: () => automation.nowIso(),
          attemptFailed: (attempt, of, message) => {
            const line = `Reporter ${r.channel}: attempt ${attempt} of ${of} failed: ${message}`;
            attemptLogs = attemptLogs.then(() => log('warn', line)).catch(() => undefined);
          },
        },
        r,
        summary,
        fillTemplate(r.template ?? DEFAULT_TEMPLATE, summary),
      );
      await attemptLogs;
      await log('info', `Report sent by ${r.channel} (${r.on})`);
    } catch (e) {
      await attemptLogs;
      await log('warn', `Reporter ${r.channel} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

import type { Principal } from '../catalog/access.js';
import { LlanoError } from '../common/errors.js';
import type { Automation } from './automation.js';
import { abortReason } from './clock.js';
import { sendReports } from './reporting.js';
import { stepName, type Scenario } from './scenario.js';
import { stepTypes } from './steps/registry.js';
import type { RunOutcome, RunSummary, StepContext, StepOutcome } from './types.js';
import { runSummary } from './summary.js';

/** The user a scenario runs as, with that user's current rights. */
async function principalOf(automation: Automation, username: string): Promise<Principal> {
  const user = await automation.ws.catalog.users.findByUsername(username);
  if (!user) throw new LlanoError('forbidden', 403, `The scenario runs as ${username}, who no longer exists`);
  return { userId: user.id, username: user.username, isAdmin: user.isAdmin, via: 'token' };
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

class StepTimeout extends Error {
  constructor(seconds: number) {
    super(`Timed out after ${seconds} s`);
  }
}

/**
 * Executes a run step by step. Each step has a run condition, a timeout and retries with
 * back-off; an abort (user, server stop) stops the current step through its signal and
 * marks the rest ABORTED. Afterwards the reporters whose condition matches are sent.
 */
export async function executeRun(
  automation: Automation,
  started: { runId: string; projectKey: string; scenario: Scenario & { updatedBy: string }; signal: AbortSignal },
): Promise<RunOutcome> {
  const { runId, projectKey, scenario, signal } = started;
  const { runs, clock } = automation;
  const now = () => automation.nowIso();
  // Log lines are written in order, without making steps wait for each write.
  let logs: Promise<unknown> = Promise.resolve();
  const log = (level: 'info' | 'warn' | 'error', message: string) => {
    const ts = now();
    logs = logs.then(() => runs.log(runId, level, message, ts)).catch(() => undefined);
  };
  const run = await runs.get(projectKey, runId);
  log('info', `Run of ${scenario.id} started (${run.cause}), ${scenario.steps.length} step(s), as ${run.runAs}`);

  let principal: Principal | null = null;
  let setupError: string | null = null;
  try {
    principal = await principalOf(automation, run.runAs);
  } catch (e) {
    setupError = messageOf(e);
  }

  let failed = setupError !== null;
  let warned = false;
  const summary = (): Promise<RunSummary> => runSummary(automation, projectKey, runId, scenario);

  for (const [index, step] of scenario.steps.entries()) {
    const name = stepName(step, index);
    if (signal.aborted || (await runs.abortRequested(runId))) break;
    const should =
      step.runIf === 'always' ||
      (step.runIf === 'previous-succeeded' && !failed) ||
      (step.runIf === 'previous-failed' && failed);
    if (!should || !principal) {
      await runs.setStep(runId, index, {
        outcome: 'SKIPPED',
        at: now(),
        error: setupError ?? (failed ? 'An earlier step failed' : 'No earlier step failed'),
      });
      continue;
    }
    const type = stepTypes.get(step.type);
    const startedAt = now();
    await runs.setStep(runId, index, { outcome: 'RUNNING', at: startedAt });
    const maxAttempts = 1 + (step.retries?.count ?? 0);
    let outcome: StepOutcome = 'FAILED';
    let error: string | null = null;
    let detail: unknown;
    let attempt = 0;
    while (attempt < maxAttempts) {
      attempt++;
      const stepController = new AbortController();
      const onRunAbort = () => stepController.abort(signal.reason);
      signal.addEventListener('abort', onRunAbort, { once: true });
      const cancelTimeout = step.timeoutSeconds
        ? clock.timer(step.timeoutSeconds * 1000, () => stepController.abort(new StepTimeout(step.timeoutSeconds!)))
        : () => undefined;
      const ctx: StepContext = {
        ws: automation.ws,
        clock,
        projectKey,
        scenarioId: scenario.id,
        runId,
        principal,
        signal: stepController.signal,
        log: (level, message) => log(level, `${name}: ${message}`),
        runScenario: (id, cause) => automation.runAndWait(projectKey, id, cause),
        summary,
      };
      try {
        const result = await untilAborted(stepController.signal, type.run(ctx, step as never));
        outcome = result.outcome ?? 'SUCCESS';
        detail = result.detail;
        error = null;
        if (result.message) log('info', `${name}: ${result.message}`);
        break;
      } catch (e) {
        error = messageOf(stepController.signal.aborted ? stepController.signal.reason : e);
        if (signal.aborted) {
          outcome = 'ABORTED';
          break;
        }
        outcome = 'FAILED';
        if (attempt < maxAttempts) {
          const delay = (step.retries!.delaySeconds ?? 0) * 1000 * Math.pow(step.retries!.factor ?? 2, attempt - 1);
          log('warn', `${name}: attempt ${attempt} of ${maxAttempts} failed (${error}); retrying in ${delay / 1000} s`);
          try {
            await clock.sleep(delay, signal);
          } catch {
            outcome = 'ABORTED';
            break;
          }
        }
      } finally {
        cancelTimeout();
        signal.removeEventListener('abort', onRunAbort);
      }
    }
    if (outcome === 'FAILED') {
      failed = true;
      log('error', `${name}: failed: ${error}`);
    }
    if (outcome === 'WARNING') warned = true;
    await runs.setStep(runId, index, { outcome, at: now(), startedAt, attempts: attempt, error, detail });
    if (outcome === 'ABORTED') break;
  }

  const aborted = signal.aborted || (await runs.abortRequested(runId));
  const end = now();
  if (aborted) await runs.closeOpenSteps(runId, 'ABORTED', end, 'Run aborted');
  const outcome: RunOutcome = aborted ? 'ABORTED' : failed ? 'FAILED' : warned ? 'WARNING' : 'SUCCESS';
  const reason = aborted ? messageOf(signal.reason ?? 'Aborted') : setupError;
  log(
    outcome === 'SUCCESS' ? 'info' : outcome === 'WARNING' ? 'warn' : 'error',
    `Run ended ${outcome}${reason ? `: ${reason}` : ''}`,
  );
  await logs;
  const failedSteps = (await runs.get(projectKey, runId, { details: true })).steps!.filter(
    (s) => s.outcome === 'FAILED',
  );
  await runs.finish(
    runId,
    outcome,
    end,
    reason ??
      (failedSteps.length
        ? `${failedSteps.length} step(s) failed: ${failedSteps.map((s) => s.name).join(', ')}`
        : null),
  );
  await sendReports(automation, scenario, await summary());
  return outcome;
}

function untilAborted<T>(signal: AbortSignal, work: Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

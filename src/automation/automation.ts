import { EventEmitter } from 'node:events';
import type { Principal } from '../catalog/access.js';
import type { TriggerFireStatus } from '../catalog/statuses.js';
import { conflict, LlanoError } from '../common/errors.js';
import { newTimeId } from '../common/ids.js';
import type { Heartbeat } from '../workspace/process-liveness.js';
import { serverEvents } from '../workspace/server-events.js';
import { workspaceSlot, type Workspace } from '../workspace/workspace.js';
import { isoAt, SystemClock, type Clock } from './clock.js';
import { executeRun } from './runner.js';
import { auditRunEnded, auditRunStarted } from './run-audit.js';
import { RunStore, type ScenarioRun } from './run-store.js';
import { loadScenario } from './scenarios-service.js';
import { stepName, type Scenario } from './scenario.js';
import { advanceTrigger, claimFire } from './trigger-state.js';
import type { AutomationEvent, RunOutcome } from './types.js';

export interface FireRequest {
  projectKey: string;
  scenarioId: string;
  triggerType: string;
  triggerKey: string;
  /** The due instant (ISO) or an event key: with the trigger key, unique per fire. */
  instant: string;
  cause: string;
  /** Time triggers: the instant becomes the trigger's last handled one. */
  advance?: boolean;
  /** Poll triggers: the value seen, stored with the fire. */
  pollState?: string;
  /** Manual runs: refuse (409) instead of silently dropping. */
  refuseDrop?: boolean;
}

/**
 * How long a stopping server lets its aborted runs record their end and send their reports;
 * a run still going after it (a step deaf to its signal) is recorded ABORTED by the shutdown itself.
 */
export const SHUTDOWN_GRACE_MS = 10_000;

export type FireStatus = 'RUNNING' | 'QUEUED' | 'dropped' | 'lost';

interface ActiveRun {
  projectKey: string;
  scenario: string;
  controller: AbortController;
  done: Promise<RunOutcome>;
}

/**
 * Scenario runs of one workspace in this process: firing (with the cross-process claim and
 * the concurrency policy), executing, aborting, queues. The scheduler and the API both go
 * through `fire`.
 */
export class Automation {
  readonly runs: RunStore;
  readonly events = new EventEmitter<{ event: [AutomationEvent] }>();
  private readonly active = new Map<string, ActiveRun>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly waiters = new Map<string, ((run: ScenarioRun) => void)[]>();
  /** Another process decides a run is orphaned when its heartbeat stops (see recovery). */
  private readonly heartbeat: Heartbeat;
  /** QUEUED runs this process holds (they wait for it, so it keeps them alive too); refreshed from the catalog each tick. */
  private queuedHere = new Set<string>();
  /** Projects being deleted: nothing of them fires or starts (see `stopProject`). */
  private readonly stopping = new Set<string>();
  /** Aborted when the server stops: nothing fires or starts any more. */
  private closing = new AbortController();
  /** Aborted when the shutdown's grace is over: reporters still sending give up. */
  private graceOver = new AbortController();

  private constructor(
    readonly ws: Workspace,
    public clock: Clock,
  ) {
    this.runs = new RunStore(ws);
    this.heartbeat = ws.liveness.heartbeat(
      () => [...new Set([...this.active.keys(), ...this.queuedHere])],
      (ids, at) => this.runs.heartbeat(ids, at),
    );
    this.events.setMaxListeners(0);
    ws.events.on('datasetVersion', (e) =>
      this.events.emit('event', {
        kind: 'dataset-version',
        projectKey: e.projectKey,
        dataset: e.dataset,
        versionId: e.versionId,
      }),
    );
  }

  /** The one Automation of each workspace. */
  private static readonly ofWorkspace = workspaceSlot(
    'automation.automation',
    (ws) => new Automation(ws, new SystemClock()),
  );

  static of(ws: Workspace): Automation {
    return Automation.ofWorkspace(ws);
  }

  nowIso(): string {
    return isoAt(this.clock.now());
  }

  /** Serializes concurrency decisions per scenario within this process. */
  private async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(fn);
    this.locks.set(key, next);
    try {
      return await next;
    } finally {
      if (this.locks.get(key) === next) this.locks.delete(key);
    }
  }

  /**
   * Fires a trigger: claims the instant (losers learn it and stop), applies the scenario's
   * concurrency (run, queue or drop) and starts the run. Returns at once with the run id.
   */
  async fire(req: FireRequest): Promise<{ runId: string | null; status: FireStatus }> {
    if (this.closing.signal.aborted) throw new LlanoError('unavailable', 503, 'The server is stopping');
    if (this.stopping.has(req.projectKey)) throw conflict(`Project ${req.projectKey} is being deleted`);
    const scenario = await loadScenario(this.ws, req.projectKey, req.scenarioId);
    const ref = { projectKey: req.projectKey, scenario: req.scenarioId, triggerKey: req.triggerKey };
    return this.withLock(`${req.projectKey}/${req.scenarioId}`, async () => {
      const at = this.nowIso();
      let status: FireStatus = 'RUNNING';
      if (scenario.concurrency !== 'parallel') {
        const open = await this.runs.openRuns(req.projectKey, req.scenarioId);
        if (open.length) status = scenario.concurrency === 'drop' ? 'dropped' : 'QUEUED';
      }
      if (status === 'dropped' && req.refuseDrop)
        throw conflict(`Scenario ${req.scenarioId} is already running and drops new runs (concurrency: drop)`);
      const runId = status === 'RUNNING' || status === 'QUEUED' ? newTimeId(new Date(this.clock.now())) : null;
      const won = await this.ws.catalog.db.transaction().execute(async (trx) => {
        if (
          !(await claimFire(trx, ref, req.instant, {
            status: status.toLowerCase() as TriggerFireStatus,
            runId,
            owner: this.ws.processId,
            at,
          }))
        )
          return false;
        if (req.advance || req.pollState !== undefined)
          await advanceTrigger(trx, ref, {
            lastInstant: req.advance ? req.instant : undefined,
            pollState: req.pollState,
            at,
          });
        if (runId) {
          await this.runs.insert(
            {
              id: runId,
              projectKey: req.projectKey,
              scenario: req.scenarioId,
              triggerType: req.triggerType,
              triggerKey: req.triggerKey,
              cause: req.cause,
              outcome: status as 'RUNNING' | 'QUEUED',
              runAs: scenario.runAs ?? scenario.updatedBy,
              steps: scenario.steps.map((s, i) => ({ name: stepName(s, i), type: s.type })),
              at,
            },
            trx,
          );
        }
        return true;
      });
      if (!won) return { runId: null, status: 'lost' as const };
      if (runId && this.closing.signal.aborted) {
        // The server began stopping while this fire was claimed: the run never starts.
        await this.runs.closeOpenSteps(runId, 'ABORTED', this.nowIso(), 'The server is stopping');
        await this.runs.finish(runId, 'ABORTED', this.nowIso(), 'The server stopped before the run started');
        return { runId, status: 'dropped' as const };
      }
      if (runId)
        await auditRunStarted(this.ws, {
          projectKey: req.projectKey,
          scenario: req.scenarioId,
          runId,
          triggerType: req.triggerType,
          cause: req.cause,
          runAs: scenario.runAs ?? scenario.updatedBy,
        });
      if (status === 'RUNNING') this.launch(runId!, req.projectKey, scenario);
      if (status === 'QUEUED') {
        this.queuedHere.add(runId!);
        this.heartbeat.ensure();
      }
      return { runId, status };
    });
  }

  /** Starts a manual run (writer) and returns its id at once. */
  async runManually(
    principal: Principal,
    projectKey: string,
    scenarioId: string,
  ): Promise<{ runId: string; status: FireStatus }> {
    await this.ws.catalog.projects.authorizeRight(principal, projectKey, 'run-scenarios');
    const instant = `manual:${newTimeId()}`;
    const r = await this.fire({
      projectKey,
      scenarioId,
      triggerType: 'manual',
      triggerKey: 'manual',
      instant,
      cause: `manual, by ${principal.username}`,
      refuseDrop: true,
    });
    return { runId: r.runId!, status: r.status };
  }

  /** Fires a scenario from a step of another run and waits for the outcome. */
  async runAndWait(
    projectKey: string,
    scenarioId: string,
    cause: string,
  ): Promise<{ runId: string; outcome: RunOutcome }> {
    const r = await this.fire({
      projectKey,
      scenarioId,
      triggerType: 'scenario-step',
      triggerKey: 'step',
      instant: `step:${newTimeId()}`,
      cause,
      refuseDrop: true,
    });
    const run = await this.waitForRun(projectKey, r.runId!);
    return { runId: run.id, outcome: run.outcome };
  }

  private launch(runId: string, projectKey: string, scenario: Scenario & { updatedBy: string }): void {
    const controller = new AbortController();
    const entry: ActiveRun = {
      projectKey,
      scenario: scenario.id,
      controller,
      done: Promise.resolve('RUNNING' as RunOutcome),
    };
    this.active.set(runId, entry);
    this.heartbeat.ensure();
    entry.done = executeRun(this, { runId, projectKey, scenario, signal: controller.signal })
      .catch(async (e): Promise<RunOutcome> => {
        // The runner records its own failures; this only guards against a broken catalog.
        const message = e instanceof Error ? e.message : String(e);
        await this.runs.finish(runId, 'FAILED', this.nowIso(), message).catch(() => undefined);
        return 'FAILED';
      })
      .then(async (outcome) => {
        this.active.delete(runId);
        await auditRunEnded(this.ws, { projectKey, scenario: scenario.id, runId, outcome });
        this.events.emit('event', { kind: 'run-ended', projectKey, scenario: scenario.id, runId, outcome });
        serverEvents(this.ws).publish({ kind: 'run-ended', projectKey, scenario: scenario.id, runId });
        await this.startQueued(projectKey, scenario.id).catch(() => undefined);
        // Waiters last: when they wake, this run's follow-up (the next queued run) is settled.
        const run = await this.runs.get(projectKey, runId).catch(() => null);
        for (const resolve of this.waiters.get(runId) ?? []) if (run) resolve(run);
        this.waiters.delete(runId);
        return outcome;
      });
  }

  /** Starts the oldest run this process queued for a scenario, if nothing of it runs any more. */
  async startQueued(projectKey: string, scenarioId: string): Promise<void> {
    await this.withLock(`${projectKey}/${scenarioId}`, async () => {
      if (this.stopping.has(projectKey) || this.closing.signal.aborted) return;
      const open = await this.runs.openRuns(projectKey, scenarioId);
      const next = open.find((r) => r.outcome === 'QUEUED' && r.owner === this.ws.processId);
      if (!next) return;
      const scenario = await loadScenario(this.ws, projectKey, scenarioId).catch(() => null);
      if (!scenario) {
        this.queuedHere.delete(next.id);
        await this.runs.finish(next.id, 'ABORTED', this.nowIso(), 'The scenario was deleted');
        return;
      }
      if (scenario.concurrency !== 'parallel' && open.some((r) => r.outcome === 'RUNNING')) return;
      if (await this.runs.start(next.id, this.nowIso())) {
        this.queuedHere.delete(next.id);
        this.launch(next.id, projectKey, scenario);
      }
    });
  }

  /** Every queue this process holds (after a tick, or when another process's run ended). */
  async startAllQueued(): Promise<void> {
    const seen = new Set<string>();
    const queued = await this.runs.queuedOwned();
    this.queuedHere = new Set(queued.map((q) => q.id));
    if (queued.length) this.heartbeat.ensure();
    for (const q of queued) {
      const key = `${q.project_key}/${q.scenario}`;
      if (seen.has(key)) continue;
      seen.add(key);
      await this.startQueued(q.project_key, q.scenario);
    }
  }

  /** Aborts a run: a queued one at once, a running one through its signal (or its owner, via the catalog). */
  async abort(principal: Principal, projectKey: string, runId: string): Promise<ScenarioRun> {
    await this.ws.catalog.projects.authorizeRight(principal, projectKey, 'run-scenarios');
    const run = await this.runs.get(projectKey, runId);
    if (run.outcome !== 'RUNNING' && run.outcome !== 'QUEUED')
      throw conflict(`Run ${runId} is not running (${run.outcome})`);
    await this.runs.requestAbort(runId);
    const local = this.active.get(runId);
    if (local) {
      local.controller.abort(new LlanoError('aborted', 409, `Aborted by ${principal.username}`));
      await local.done;
    } else if (run.outcome === 'QUEUED') {
      this.queuedHere.delete(runId);
      const at = this.nowIso();
      await this.runs.closeOpenSteps(runId, 'ABORTED', at, 'Run aborted before it started');
      await this.runs.finish(runId, 'ABORTED', at, `Aborted by ${principal.username} while queued`);
      await this.runs.log(runId, 'warn', `Aborted by ${principal.username} while queued`, at);
    }
    return this.runs.get(projectKey, runId, { details: true });
  }

  /** Resolves when a run ends (polling the catalog for runs of other processes). */
  async waitForRun(projectKey: string, runId: string): Promise<ScenarioRun> {
    const run = await this.runs.get(projectKey, runId);
    if (run.outcome !== 'RUNNING' && run.outcome !== 'QUEUED') return run;
    if (this.active.has(runId) || (await this.runs.openRuns(projectKey, run.scenario)).some((r) => r.id === runId)) {
      return new Promise<ScenarioRun>((resolve) => {
        const list = this.waiters.get(runId) ?? [];
        list.push(resolve);
        this.waiters.set(runId, list);
        // A queued run may be started by this process later; a run of another process is polled.
        const poll = setInterval(() => {
          // A failed read is tried again at the next tick.
          void this.runs
            .get(projectKey, runId)
            .catch(() => null)
            .then((r) => {
              if (r && r.outcome !== 'RUNNING' && r.outcome !== 'QUEUED') {
                clearInterval(poll);
                resolve(r);
              }
            });
        }, 500);
        poll.unref();
        list.push(() => clearInterval(poll));
      });
    }
    return this.runs.get(projectKey, runId);
  }

  /**
   * Runs' part in deleting a project (`registerProjectWorkStopper`): aborts the project's runs
   * this process executes and waits for them to record it; until `resumeProject`, nothing of the
   * project fires and its queued runs stay put (the delete removes them).
   */
  async stopProject(projectKey: string): Promise<void> {
    this.stopping.add(projectKey);
    const runs = [...this.active.values()].filter((a) => a.projectKey === projectKey);
    for (const a of runs) a.controller.abort(new LlanoError('aborted', 409, `Project ${projectKey} is being deleted`));
    await Promise.allSettled(runs.map((a) => a.done));
  }

  resumeProject(projectKey: string): void {
    this.stopping.delete(projectKey);
  }

  activeRunIds(): string[] {
    return [...this.active.keys()];
  }

  /** Resolves when every run this process executes has ended (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.active.size) await Promise.all([...this.active.values()].map((a) => a.done));
  }

  /** Accepts runs again after a `shutdown` (a scheduler started again on the same workspace: tests). */
  reopen(): void {
    if (!this.closing.signal.aborted) return;
    this.closing = new AbortController();
    this.graceOver = new AbortController();
  }

  /** Aborted when the shutdown's grace is over (reporters combine it with their own timeout). */
  get graceOverSignal(): AbortSignal {
    return this.graceOver.signal;
  }

  /**
   * Server stop: nothing fires or starts any more; the runs this process executes are aborted
   * and have `graceMs` to record it (and send their reports); its queued runs end ABORTED at
   * once. A run still going after the grace (a step deaf to its signal) is recorded ABORTED here,
   * so no run says RUNNING once the process is gone.
   */
  async shutdown(graceMs = SHUTDOWN_GRACE_MS): Promise<void> {
    const reason = new LlanoError('aborted', 409, 'The server is stopping');
    this.closing.abort(reason);
    for (const a of this.active.values()) a.controller.abort(reason);
    this.queuedHere.clear();
    await this.runs.abortQueuedOwned(this.nowIso(), 'The server stopped before the run started').catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const graceEnded = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)));
    const ended = await Promise.race([this.idle().then(() => true), graceEnded]);
    clearTimeout(timer);
    if (!ended) {
      this.graceOver.abort(reason);
      const at = this.nowIso();
      const error = `The server stopped; the run did not end within the ${graceMs / 1000} s grace`;
      for (const runId of this.active.keys()) {
        await this.runs.closeOpenSteps(runId, 'ABORTED', at, error).catch(() => undefined);
        await this.runs.finish(runId, 'ABORTED', at, error).catch(() => undefined);
      }
    }
    this.heartbeat.stop();
  }
}

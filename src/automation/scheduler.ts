import { sql } from 'kysely';
import type { Workspace } from '../workspace/workspace.js';
import { pruneAuditLog } from '../audit/retention.js';
import { pruneRunHistory } from './history-retention.js';
import { Automation, type FireRequest } from './automation.js';
import { isoAt, type Clock } from './clock.js';
import { DatasetVersionPoller } from './dataset-version-poller.js';
import { SCENARIO_KIND } from './kinds.js';
import { deadOwnerOnThisHost } from './dead-owners.js';
import { recoverInterruptedWork } from './recovery.js';
import type { Schedule } from './schedule.js';
import { triggerKey, type Scenario, type TriggerConfig } from './scenario.js';
import { parsedScenario } from './scenarios-service.js';
import {
  advanceTrigger,
  FIRE_RETENTION_MS,
  loadTriggerState,
  loadTriggerStates,
  pruneTriggerFires,
  triggerId,
} from './trigger-state.js';
import { triggerTypes } from './triggers/registry.js';
import type { AutomationEvent, PollTriggerType, TriggerType } from './types.js';
import { firedChain, MAX_CHAIN } from './scenario-chains.js';

interface LoadedTrigger {
  config: TriggerConfig;
  type: TriggerType;
  key: string;
  id: string;
  schedule: Schedule | null;
  /** Last handled instant (ms), persisted in trigger_state. */
  last: number;
  /** Whether instants missed while no scheduler ran have been dealt with (once per process). */
  missedHandled: boolean;
  nextDue: number | null;
  nextPoll: number;
}

interface LoadedScenario {
  projectKey: string;
  scenario: Scenario;
  updatedAt: number;
  triggers: LoadedTrigger[];
}

export interface SchedulerOptions {
  clock?: Clock;
  /** Longest sleep between ticks (polls, edits by other processes, queues). */
  maxSleepMs?: number;
  /** How often builds and runs of processes that are gone are looked for. */
  recoveryEveryMs?: number;
  /** How often owners of open work on this host are checked (in /proc): a dead one triggers recovery at once. */
  ownerCheckEveryMs?: number;
  /** How often the catalog is asked for dataset versions committed by other processes. */
  datasetPollEveryMs?: number;
}

/** Which scenario and trigger a fire comes from: the part every fire of the scheduler shares. */
function fireOrigin(
  s: LoadedScenario,
  t: LoadedTrigger,
): Pick<FireRequest, 'projectKey' | 'scenarioId' | 'triggerType' | 'triggerKey'> {
  return { projectKey: s.projectKey, scenarioId: s.scenario.id, triggerType: t.type.type, triggerKey: t.key };
}

/** More due instants than this in one tick (a long stall): only the latest fires. */
const MAX_INSTANTS_PER_TICK = 10;

/**
 * Fires triggers. Time triggers fire once per due instant: the last handled instant is
 * persisted, and each fire is claimed in the catalog (unique scenario, trigger, instant), so
 * a restart does not fire twice and two processes sharing a catalog never both fire.
 * Instants missed while no scheduler ran follow the scenario's `missedRuns` (skip or run once).
 */
export class Scheduler {
  readonly automation: Automation;
  readonly clock: Clock;
  private scenarios: LoadedScenario[] = [];
  private fingerprint = '';
  private startedAt = 0;
  private running = false;
  /** Aborted by `stop`: a poll in progress (up to 5 min for a slow database) must not hold a shutdown. */
  private stopped = new AbortController();
  private cancelTimer: (() => void) | null = null;
  private chain: Promise<void> = Promise.resolve();
  private readonly background = new Set<Promise<unknown>>();
  private readonly polling = new Set<string>();
  private lastRecovery = 0;
  private lastOwnerCheck = 0;
  private readonly ownerCheckEveryMs: number;
  private lastDatasetPoll = Number.NEGATIVE_INFINITY;
  private readonly maxSleepMs: number;
  private readonly recoveryEveryMs: number;
  private readonly datasetPollEveryMs: number;
  private readonly versions: DatasetVersionPoller;
  /** Last error of each trigger (bad connection, deleted scenario…), shown by monitoring. */
  readonly errors = new Map<string, string>();
  private readonly onEvent = (e: AutomationEvent) => this.track(this.serialized(() => this.handleEvent(e)));
  /** A deleted project's triggers (last instants, watched datasets, errors) must not carry over to a new one of that key. */
  private readonly onProjectDeleted = ({ projectKey }: { projectKey: string }) => {
    this.scenarios = this.scenarios.filter((s) => s.projectKey !== projectKey);
    this.fingerprint = '';
    for (const id of this.errors.keys()) if (id.startsWith(`${projectKey}/`)) this.errors.delete(id);
    this.versions.forgetProject(projectKey);
  };

  constructor(
    readonly ws: Workspace,
    options: SchedulerOptions = {},
  ) {
    this.automation = Automation.of(ws);
    if (options.clock) this.automation.clock = options.clock;
    this.clock = this.automation.clock;
    this.maxSleepMs = options.maxSleepMs ?? 1000;
    this.recoveryEveryMs = options.recoveryEveryMs ?? 60_000;
    this.ownerCheckEveryMs = options.ownerCheckEveryMs ?? 2000;
    this.datasetPollEveryMs = options.datasetPollEveryMs ?? 2000;
    this.versions = new DatasetVersionPoller(ws);
  }

  /** Starts firing. With `loop: false` nothing happens until `tick()` is called (tests). */
  async start(options: { loop?: boolean } = {}): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.stopped = new AbortController();
    this.automation.reopen();
    this.startedAt = this.clock.now();
    this.lastRecovery = this.startedAt;
    this.automation.events.on('event', this.onEvent);
    this.ws.events.on('projectDeleted', this.onProjectDeleted);
    if (options.loop !== false) {
      await this.tick();
      this.arm();
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopped.abort(new Error('The scheduler is stopping'));
    this.cancelTimer?.();
    this.automation.events.off('event', this.onEvent);
    this.ws.events.off('projectDeleted', this.onProjectDeleted);
    await this.chain;
    await this.idle();
  }

  /** Waits for background work: polls, event fires. */
  async idle(): Promise<void> {
    while (this.background.size) await Promise.allSettled([...this.background]);
  }

  private track(p: Promise<unknown>): void {
    const tracked = p.catch(() => undefined).finally(() => this.background.delete(tracked));
    this.background.add(tracked);
  }

  private arm(): void {
    if (!this.running) return;
    const now = this.clock.now();
    let next = now + this.maxSleepMs;
    for (const s of this.scenarios) {
      for (const t of s.triggers) {
        if (t.nextDue !== null) next = Math.min(next, t.nextDue);
        if (t.type.kind === 'poll') next = Math.min(next, t.nextPoll);
      }
    }
    this.cancelTimer = this.clock.timer(Math.max(0, next - now), () => {
      void this.tick().finally(() => this.arm());
    });
  }

  /** One pass at the clock's current time; calls are serialized. */
  tick(): Promise<void> {
    return this.serialized(() => this.doTick());
  }

  /** Ticks and event handling take turns: both read and update the loaded triggers. */
  private serialized(fn: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(fn).catch(() => undefined);
    return this.chain;
  }

  private async doTick(): Promise<void> {
    const now = this.clock.now();
    await this.refresh(now);
    for (const s of this.scenarios) {
      if (!s.scenario.active) continue;
      for (const t of s.triggers) {
        if (t.schedule) await this.handleSchedule(s, t, t.schedule, now);
        else if (t.type.kind === 'poll' && now >= t.nextPoll && !this.polling.has(t.id)) {
          t.nextPoll = now + t.type.pollEvery(t.config);
          this.polling.add(t.id);
          this.track(this.poll(s, t, t.type, now).finally(() => this.polling.delete(t.id)));
        }
      }
    }
    if (now - this.lastDatasetPoll >= this.datasetPollEveryMs) {
      this.lastDatasetPoll = now;
      try {
        for (const e of await this.versions.poll()) await this.fireEventTriggers(e);
      } catch {
        // The catalog is unreachable for a moment: the next poll starts from the same place.
      }
    }
    if (now - this.lastOwnerCheck >= this.ownerCheckEveryMs) {
      this.lastOwnerCheck = now;
      // A process of this host died: recover now rather than at the next periodic pass.
      if (await deadOwnerOnThisHost(this.ws).catch(() => false)) this.lastRecovery = Number.NEGATIVE_INFINITY;
    }
    if (now - this.lastRecovery >= this.recoveryEveryMs) {
      this.lastRecovery = now;
      await recoverInterruptedWork(this.ws).catch(() => undefined);
      await pruneTriggerFires(this.ws.catalog.db, isoAt(now - FIRE_RETENTION_MS)).catch(() => undefined);
      await pruneAuditLog(this.ws, now).catch(() => undefined);
      await pruneRunHistory(this.ws, now).catch(() => undefined);
    }
    await this.automation.startAllQueued();
  }

  /** Reloads scenarios when any changed (count, last edit and revisions tell, in one small query). */
  private async refresh(now: number): Promise<void> {
    const f = await this.ws.catalog.db
      .selectFrom('objects')
      .select([sql<number>`count(*)`.as('n'), sql<string>`max(updated_at)`.as('m'), sql<number>`sum(revision)`.as('r')])
      .where('kind', '=', SCENARIO_KIND)
      .executeTakeFirst();
    const fingerprint = `${f?.n}|${f?.m}|${f?.r}`;
    if (fingerprint === this.fingerprint) return;
    this.fingerprint = fingerprint;
    const previous = new Map(this.scenarios.flatMap((s) => s.triggers.map((t) => [t.id, t] as const)));
    const states = await loadTriggerStates(this.ws.catalog.db);
    const loaded: LoadedScenario[] = [];
    for (const o of await this.ws.catalog.objects.listAllProjects<Scenario>(SCENARIO_KIND)) {
      let scenario: Scenario;
      try {
        scenario = parsedScenario(this.ws, o);
      } catch (e) {
        this.errors.set(`${o.projectKey}/${o.name}`, (e as Error).message);
        continue;
      }
      const triggers: LoadedTrigger[] = [];
      for (const config of scenario.triggers) {
        const type = triggerTypes.find(config.type);
        if (!type || type.kind === 'request') continue;
        const key = triggerKey(config);
        const id = triggerId({ projectKey: o.projectKey, scenario: scenario.id, triggerKey: key });
        const before = previous.get(id);
        let schedule: Schedule | null;
        try {
          schedule = type.kind === 'schedule' ? type.schedule(config) : null;
        } catch (e) {
          this.errors.set(id, (e as Error).message);
          continue;
        }
        let last = before?.last ?? (states.get(id)?.lastInstant ? Date.parse(states.get(id)!.lastInstant) : Number.NaN);
        if (schedule && Number.isNaN(last)) {
          // First sight: the trigger is armed now; only later instants are due.
          last = now;
          await advanceTrigger(
            this.ws.catalog.db,
            { projectKey: o.projectKey, scenario: scenario.id, triggerKey: key },
            { lastInstant: isoAt(now), at: isoAt(now) },
          );
        }
        triggers.push({
          config,
          type,
          key,
          id,
          schedule,
          last,
          missedHandled: before?.missedHandled ?? false,
          nextDue: null,
          nextPoll: before?.nextPoll ?? now,
        });
      }
      loaded.push({ projectKey: o.projectKey, scenario, updatedAt: Date.parse(o.updatedAt), triggers });
    }
    this.scenarios = loaded;
    await this.versions.watch(
      loaded.flatMap((s) =>
        s.triggers.flatMap((t) =>
          (t.type.kind === 'event' ? (t.type.watchedDatasets?.(t.config) ?? []) : []).map((dataset) => ({
            projectKey: s.projectKey,
            dataset,
          })),
        ),
      ),
    );
  }

  private async handleSchedule(s: LoadedScenario, t: LoadedTrigger, schedule: Schedule, now: number): Promise<void> {
    if (t.missedHandled && t.nextDue !== null && now < t.nextDue) return;
    // Instants before the scenario's last edit never count: that scenario did not exist yet.
    const base = Math.max(t.last, s.updatedAt);
    if (!t.missedHandled) {
      t.missedHandled = true;
      const missed = schedule.latestBetween(base, Math.min(this.startedAt, now));
      if (missed !== null && s.scenario.missedRuns === 'run-once') {
        await this.fireInstant(
          s,
          t,
          missed,
          `${t.type.describe(t.config)}: ${isoAt(missed)}, missed while stopped (run once)`,
        );
      } else if (missed !== null) {
        // Skipped, not claimed: a process that was up at that instant may still fire it.
        t.last = Math.max(t.last, missed);
        await advanceTrigger(
          this.ws.catalog.db,
          { projectKey: s.projectKey, scenario: s.scenario.id, triggerKey: t.key },
          { lastInstant: isoAt(missed), at: isoAt(now) },
        );
      }
    }
    let due: number[] = [];
    for (
      let at = schedule.next(Math.max(base, t.last, this.startedAt));
      at !== null && at <= now && due.length <= 1000;
      at = schedule.next(at)
    )
      due.push(at);
    if (due.length > MAX_INSTANTS_PER_TICK) due = due.slice(-1);
    for (const at of due) await this.fireInstant(s, t, at, `${t.type.describe(t.config)}: ${isoAt(at)}`);
    t.nextDue = schedule.next(Math.max(t.last, now));
  }

  private async fireInstant(s: LoadedScenario, t: LoadedTrigger, at: number, cause: string): Promise<void> {
    t.last = Math.max(t.last, at);
    try {
      await this.automation.fire({
        ...fireOrigin(s, t),
        instant: isoAt(at),
        cause,
        advance: true,
      });
      this.errors.delete(t.id);
    } catch (e) {
      this.errors.set(t.id, (e as Error).message);
    }
  }

  /** Compares the watched value with the stored one; a change fires (the first poll only records). */
  private async poll(s: LoadedScenario, t: LoadedTrigger, type: PollTriggerType, now: number): Promise<void> {
    const ref = { projectKey: s.projectKey, scenario: s.scenario.id, triggerKey: t.key };
    try {
      const state = await loadTriggerState(this.ws.catalog.db, ref);
      const value = await type.poll(
        {
          ws: this.ws,
          projectKey: s.projectKey,
          signal: AbortSignal.any([AbortSignal.timeout(5 * 60_000), this.stopped.signal]),
        },
        t.config,
      );
      if (!state || state.pollState === null) {
        await advanceTrigger(this.ws.catalog.db, ref, { pollState: value, at: isoAt(now) });
      } else if (value !== state.pollState) {
        // Processes polling in the same period claim the same instant: one fires.
        const every = type.pollEvery(t.config);
        const slot = isoAt(Math.floor(now / every) * every);
        await this.automation.fire({
          ...fireOrigin(s, t),
          instant: `poll:${slot}`,
          cause: t.type.describe(t.config),
          pollState: value,
        });
      }
      this.errors.delete(t.id);
    } catch (e) {
      this.errors.set(t.id, (e as Error).message);
    }
  }

  private async handleEvent(e: AutomationEvent): Promise<void> {
    if (!this.running) return;
    await this.refresh(this.clock.now());
    if (e.kind === 'dataset-version') this.versions.noteSeen(e.projectKey, e.dataset, e.versionId);
    await this.fireEventTriggers(e);
  }

  /** Fires the event triggers an event matches (an in-process event, or a version found by polling). */
  private async fireEventTriggers(e: AutomationEvent): Promise<void> {
    // The scenarios of the runs that led to the run that ended (read once, when a trigger matches).
    let chain: Promise<string[]> | undefined;
    for (const s of this.scenarios) {
      if (!s.scenario.active || s.projectKey !== e.projectKey) continue;
      for (const t of s.triggers) {
        const match =
          t.type.kind === 'event' ? t.type.match(t.config, e, { projectKey: s.projectKey, id: s.scenario.id }) : null;
        if (!match) continue;
        if (e.kind === 'run-ended') {
          chain ??= firedChain(this.ws, e.projectKey, e.runId);
          const ran = await chain;
          if (ran.includes(s.scenario.id) || ran.length >= MAX_CHAIN) {
            // A cycle saved past the check (two servers at once): stopped here, said on the trigger.
            this.errors.set(
              t.id,
              ran.includes(s.scenario.id)
                ? `Not fired: ${s.scenario.id} already ran in this chain (${[...ran].reverse().join(' → ')}); scenarios that start each other would run without end`
                : `Not fired: the chain of runs that led here is longer than ${MAX_CHAIN}`,
            );
            continue;
          }
        }
        try {
          await this.automation.fire({
            ...fireOrigin(s, t),
            instant: match.key,
            cause: match.cause,
          });
        } catch (err) {
          this.errors.set(t.id, (err as Error).message);
        }
      }
    }
  }
}

/** The scheduler of `llano serve` (started by the composition root, `src/app/start-workspace.ts`). */
export async function startScheduler(ws: Workspace, options: SchedulerOptions = {}): Promise<Scheduler> {
  const scheduler = new Scheduler(ws, options);
  await scheduler.start();
  return scheduler;
}

/** Stops firing and lets runs in progress end as ABORTED (they are recorded, reporters sent). */
export async function stopScheduler(scheduler: Scheduler): Promise<void> {
  await scheduler.stop();
  await scheduler.automation.shutdown();
}

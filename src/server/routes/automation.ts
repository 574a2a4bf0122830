import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Automation } from '../../automation/automation.js';
import { automationMonitoring, MAX_RUNS } from '../../automation/monitoring.js';
import { MonitoringRange } from './monitoring-steps.js';
import { getVariables, saveVariables } from '../../automation/project-variables.js';
import { scenarioTypeSchemas } from '../../automation/type-schemas.js';
import { rotateReporterSecret } from '../../automation/rotate-secret.js';
import { getScenarioRun, listScenarioRuns } from '../../automation/runs-service.js';
import { deleteScenario, getScenario, listScenarios, saveScenario } from '../../automation/scenarios-service.js';
import { fireWebhook } from '../../automation/webhooks.js';
import type { Workspace } from '../../workspace/workspace.js';
import { objectRoutes } from '../object-routes.js';
import * as R from '../response-schemas.js';
import { route } from '../route.js';

const P = '/api/projects/{key}';
const ScenarioBody = z.looseObject({ id: z.string() });
const Limit = z.object({ limit: z.coerce.number().int().min(1).max(10_000).default(100) });

/** Scenarios, their runs, webhooks, project variables and the automation-monitoring view. */
export function automationRoutes(app: FastifyInstance, ws: Workspace): void {
  const automation = Automation.of(ws);
  route(
    app,
    {
      method: 'GET',
      url: '/api/scenario-types',
      summary:
        'Trigger, step and reporter types with the JSON schema of their settings (forms are generated from them)',
      tag: 'automation',
      access: 'user',
      response: { 200: R.ScenarioTypes },
    },
    () => Promise.resolve(scenarioTypeSchemas()),
  );
  objectRoutes(
    app,
    ws,
    {
      kind: 'scenario',
      plural: 'scenarios',
      tag: 'automation',
      nameField: 'id',
      body: ScenarioBody,
      item: R.Scenario,
      summaries: {
        list: 'Scenarios of the project',
        create: 'Create a scenario (every trigger, step and reporter is checked)',
        get: 'One scenario (secrets hidden; webhook tokens shown to writers)',
        replace: 'Replace a scenario',
        remove:
          'Delete a scenario (its runs stay in history, marked scenarioDeletedAt; monitoring hides them unless includeDeleted=true)',
      },
    },
    { list: listScenarios, get: getScenario, save: saveScenario, remove: deleteScenario },
  );
  route(
    app,
    {
      method: 'POST',
      url: `${P}/scenarios/{id}/run`,
      summary: 'Run a scenario now; returns the run id at once (writers, or readers with run-scenarios)',
      tag: 'automation',
      access: 'reader',
      right: 'run-scenarios',
      response: { 202: R.RunStarted },
    },
    async ({ principal, params, reply }) => {
      const r = await automation.runManually(principal, params.key, params.id);
      void reply.code(202);
      return r;
    },
  );
  route(
    app,
    {
      method: 'POST',
      url: `${P}/scenarios/{id}/rotate-secret`,
      summary:
        "Replace a webhook reporter's signing secret (writer); the new one is in this answer only. reporter: e.g. reporters[0] (optional when there is one)",
      tag: 'automation',
      access: 'writer',
      response: { 200: R.AnyObject },
      body: z
        .object({ reporter: z.string().max(100).optional() })
        .strict()
        .default({}),
    },
    async ({ principal, params, body }) => rotateReporterSecret(ws, principal, params.key, params.id, body.reporter),
  );
  route(
    app,
    {
      method: 'GET',
      url: `${P}/scenarios/{id}/runs`,
      summary: 'Runs of a scenario, newest first',
      tag: 'automation',
      query: Limit,
      access: 'reader',
      response: { 200: z.array(R.ScenarioRun) },
    },
    async ({ principal, params, query }) => listScenarioRuns(ws, principal, params.key, params.id, query.limit),
  );
  route(
    app,
    {
      method: 'GET',
      url: `${P}/scenario-runs/{runId}`,
      summary: 'A run with its steps and log',
      tag: 'automation',
      access: 'reader',
      response: { 200: R.ScenarioRun },
    },
    async ({ principal, params }) => getScenarioRun(ws, principal, params.key, params.runId),
  );
  route(
    app,
    {
      method: 'POST',
      url: `${P}/scenario-runs/{runId}/abort`,
      summary: 'Abort a running or queued run (writers, or readers with run-scenarios)',
      tag: 'automation',
      access: 'reader',
      right: 'run-scenarios',
      response: { 200: R.ScenarioRun },
    },
    async ({ principal, params }) => automation.abort(principal, params.key, params.runId),
  );
  route(
    app,
    {
      method: 'POST',
      url: '/api/webhooks/scenarios/{token}',
      summary: 'Fire the scenario whose webhook trigger holds this secret token',
      tag: 'automation',
      access: 'public',
      response: { 202: R.WebhookFired },
      // The token is the secret: the log names the call, the scenario run it fires names the scenario.
      audit: { action: 'scenario.webhook', object: () => null },
    },
    async ({ params, request, reply }) => {
      const r = await fireWebhook(ws, params.token, request.ip);
      void reply.code(202);
      return r;
    },
  );
  route(
    app,
    {
      method: 'GET',
      url: '/api/automation/monitoring',
      summary:
        'Every visible scenario with its runs in [from, to) (the newest limit, default and at most 50,000, and at most 5,000 of one scenario, when there are more: truncated, totalRuns, listedRuns), durations, next fires, triggers, reporters; runs by outcome per day. Runs of deleted scenarios only with includeDeleted=true (as scenarios marked deleted)',
      tag: 'automation',
      query: MonitoringRange.extend({ limit: z.coerce.number().int().min(1).max(MAX_RUNS).optional() }),
      access: 'user',
      response: { 200: R.Monitoring },
    },
    async ({ principal, query }) =>
      automationMonitoring(
        ws,
        principal,
        { ...query, includeDeleted: query.includeDeleted === 'true' },
        { maxRuns: query.limit },
      ),
  );
  route(
    app,
    {
      method: 'GET',
      url: `${P}/variables`,
      summary: 'Project variables',
      tag: 'automation',
      access: 'reader',
      response: { 200: R.Variables },
    },
    async ({ principal, params }) => getVariables(ws, principal, params.key),
  );
  route(
    app,
    {
      method: 'PUT',
      url: `${P}/variables`,
      summary: 'Replace the project variables',
      tag: 'automation',
      body: z.record(z.string(), z.unknown()),
      access: 'writer',
      response: { 200: R.Variables },
    },
    async ({ principal, params, body }) => saveVariables(ws, principal, params.key, body),
  );
}

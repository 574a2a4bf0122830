import type { RunSummary } from '../types.js';

export const DEFAULT_TEMPLATE =
  'Scenario {{scenario}} ({{project}}) ended {{outcome}} in {{duration}}.\nTrigger: {{trigger}}\n{{failedSteps}}\n{{link}}';
export const DEFAULT_SUBJECT = '[Llano] {{scenario}}: {{outcome}}';

export function formatDuration(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return [h ? `${h} h` : '', m ? `${m} min` : '', `${s % 60} s`].filter(Boolean).join(' ');
}

/** The values a template may use, as {{name}}. */
export function templateValues(s: RunSummary): Record<string, string> {
  return {
    scenario: s.scenarioName,
    scenarioId: s.scenarioId,
    project: s.projectKey,
    runId: s.runId,
    trigger: s.trigger,
    outcome: s.outcome,
    duration: formatDuration(s.durationMs),
    startedAt: s.startedAt ?? '',
    endedAt: s.endedAt ?? '',
    failedSteps: s.failedSteps.length
      ? 'Failed steps:\n' + s.failedSteps.map((f) => `- ${f.name}: ${f.error ?? 'failed'}`).join('\n')
      : 'No step failed.',
    link: s.link,
  };
}

/** Fills {{name}} placeholders; unknown names are left as written so typos show. */
export function fillTemplate(template: string, s: RunSummary): string {
  const values = templateValues(s);
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => values[name] ?? whole);
}

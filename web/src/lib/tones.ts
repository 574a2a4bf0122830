// Outcome and state colours, apart from the chart component so that pages which only colour
// badges (a dashboard's status tiles) do not load ECharts with them.

/** Colours of outcomes and states, matching the CSS tokens. */
export const COLORS = {
  ok: '#2e8b57',
  warn: '#c27c0e',
  bad: '#c62f3a',
  run: '#2d7dd2',
  idle: '#8a94a3',
  ext: '#7a5cc4',
  // Aborted (stopped by someone) is not failed, queued is not yet running: each its own colour.
  aborted: '#4b5563',
  queued: '#9cc3ee',
  accent: '#1f5fae',
};

/** The colour family of an outcome or state: a key of COLORS, and a `tone-*` class in the stylesheet. */
export type Tone = 'ok' | 'warn' | 'bad' | 'run' | 'idle' | 'ext' | 'aborted' | 'queued';

export function outcomeTone(outcome: string | null | undefined): Tone {
  switch (outcome?.toLowerCase()) {
    case 'ok':
    case 'succeeded':
    case 'success':
    case 'built':
    case 'up-to-date':
      return 'ok';
    case 'warning':
    case 'skipped':
    case 'stale':
      return 'warn';
    case 'failed':
    case 'failure':
    case 'error':
      return 'bad';
    case 'aborted':
    case 'interrupted':
      return 'aborted';
    case 'running':
    case 'building':
      return 'run';
    case 'queued':
      return 'queued';
    default:
      return 'idle';
  }
}

export function outcomeColor(outcome: string | null | undefined): string {
  return COLORS[outcomeTone(outcome)];
}

/** The activity timeline as the API returns it. Types only, so the web UI imports them too. */

export type TimelineSource = 'audit' | 'revision' | 'job' | 'run';

export interface TimelineItem {
  at: string;
  /** Who did it: a user, `scenario:<id>`, or null when nobody signed in (a webhook). */
  actor: string | null;
  project: string | null;
  source: TimelineSource;
  /** One readable sentence: "alice updated recipe compute_medians (rev 4)", "scenario daily_refresh failed". */
  text: string;
  object: { kind: string; name: string } | null;
  /** The job or run id, for links. */
  ref?: string;
}

export interface TimelinePage {
  items: TimelineItem[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: string | null;
}

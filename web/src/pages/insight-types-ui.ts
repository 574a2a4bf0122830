import type { Insight } from '../api/types';

/** Every insight type the API creates, as the type picker offers it (chart first: the most used). */
export const INSIGHT_TYPE_CHOICES: { type: Insight['type']; label: string; about: string }[] = [
  { type: 'chart', label: 'Chart', about: 'Bars, lines, scatter, histogram, heatmap, pie, KPI… on a dataset.' },
  { type: 'table', label: 'Table', about: 'A plain or pivot table, with number formats and conditional colours.' },
  { type: 'metric', label: 'Metric', about: 'The history of one metric of a dataset, as a line.' },
  { type: 'check', label: 'Checks', about: 'The latest result of each check of a dataset, as status tiles.' },
  { type: 'scenario', label: 'Scenario runs', about: 'The last runs of a scenario, as a status strip.' },
  { type: 'text', label: 'Text', about: 'Notes in Markdown: headings, lists, links.' },
  { type: 'webapp', label: 'Webapp', about: 'A webapp of the project, embedded.' },
];

export const insightTypeLabel = (type: string) => INSIGHT_TYPE_CHOICES.find((c) => c.type === type)?.label ?? type;

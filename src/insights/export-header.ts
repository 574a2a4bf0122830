import { FILTER_OP_WORDS, type FilterOp } from '../common/filter-ops.js';
import type { ChartFilter } from './insight-types.js';

/** What an exported page says about itself, so that a printed or mailed copy can be read on its own. */
export interface ExportHeader {
  dashboard: string;
  page: string;
  filters: ChartFilter[];
  exportedAt: Date;
  /** The dataset versions the page's tiles read, with when each was made; datasets read in place are left out. */
  versions: { dataset: string; createdAt: string }[];
}

/** The header's height in the exported page (CSS px): its four lines, fixed so the page's height can be computed. */
export const EXPORT_HEADER_PX = 92;

/** A filter in words: `band in 3, 6`, `day ≥ 2025-01-01`, `comment is empty`. */
export function describeFilter(f: ChartFilter): string {
  const op = FILTER_OP_WORDS[f.op as FilterOp] ?? f.op;
  const value = f.values ? f.values.join(', ') : (f.value ?? '');
  return value ? `${f.column} ${op} ${value}` : `${f.column} ${op}`;
}

/** A time as the export prints it: to the minute, in UTC, said so. */
export const exportTime = (at: Date | string) => `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The header's lines, in the order they are printed. */
export function headerLines(h: ExportHeader): { label: string; text: string }[] {
  return [
    { label: 'Page', text: h.page },
    { label: 'Filters', text: h.filters.length ? h.filters.map(describeFilter).join('; ') : 'no filters' },
    {
      label: 'Exported',
      text:
        exportTime(h.exportedAt) +
        (h.versions.length
          ? ` · data: ${h.versions.map((v) => `${v.dataset} of ${exportTime(v.createdAt)}`).join(', ')}`
          : ''),
    },
  ];
}

/** Text inside HTML, an attribute's value included. */
export const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The header as HTML: the dashboard's name as the heading, then its lines (user text escaped). */
export function headerHtml(h: ExportHeader): string {
  const lines = headerLines(h)
    .map((l) => `<p><span class="label">${escapeHtml(l.label)}</span> ${escapeHtml(l.text)}</p>`)
    .join('');
  return `<header class="export-header"><h1>${escapeHtml(h.dashboard)}</h1>${lines}</header>`;
}

export const HEADER_STYLE = `
.export-header{height:${EXPORT_HEADER_PX}px;box-sizing:border-box;margin:0 0 12px;padding:0 0 8px;border-bottom:2px solid #1f2328;overflow:hidden}
.export-header h1{margin:0 0 4px;font-size:20px;line-height:26px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.export-header p{margin:0;font-size:12px;line-height:18px;color:#1f2328;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.export-header .label{display:inline-block;min-width:64px;color:#57606a;font-weight:600}`;

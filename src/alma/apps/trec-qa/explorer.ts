import { TREC_DEVICE_CHANGES, TREC_QA_DEFAULTS, ebScanFlagsSql } from './recipes.js';

export const TREC_EXPLORER_ID = 'trec_qa_explorer';

/**
 * The receiver-temperature QA explorer (issue 21 §3), a static webapp: pick an EB and antennas;
 * each antenna's Trec values in that EB with the outliers flagged, each antenna's history with its
 * change points and device changes, the unexplained change points (the engineering candidates) and
 * the scores against the simulator's truth. Reads the QA datasets with the browser client and
 * draws with SVG: no network, no library.
 */
export function trecExplorerWebapp() {
  return {
    id: TREC_EXPLORER_ID,
    name: 'Receiver-temperature QA explorer',
    kind: 'static' as const,
    description:
      'Trec per EB with outliers flagged, each antenna’s history with change points and device changes, the unexplained change points, and the scores against the simulator’s truth.',
    files: { 'index.html': INDEX_HTML, 'style.css': STYLE_CSS, 'app.js': appJs() },
    // What its queries read (ebScanFlagsSql reads trec_measurement): all a viewer it is shared with may read through it.
    datasets: [
      'device_change',
      'eb_trec_antenna_band',
      'eb_trec_clean',
      'eb_trec_median',
      'trec_change_explained',
      'trec_measurement',
      'trec_online_scores',
      'trec_qa_scores',
    ],
  };
}

const INDEX_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Receiver-temperature QA explorer</title>
    <link rel="stylesheet" href="style.css" />
    <script src="/webapps/_client.js"></script>
    <script src="app.js" defer></script>
  </head>
  <body>
    <main>
      <h1>Receiver-temperature QA explorer</h1>
      <form id="pick">
        <label>Observation (EB) <select id="eb"></select></label>
        <label>Antennas <select id="antennas" multiple size="6"></select></label>
        <button type="submit">Show</button>
      </form>
      <p id="status" role="status">Loading…</p>
      <section aria-labelledby="dist-title">
        <h2 id="dist-title">Trec in this EB</h2>
        <p class="note">Every scan, baseband and polarisation of each antenna (log scale). Red: an outlier (robust z &gt; ${TREC_QA_DEFAULTS.scanZ} within the antenna’s scans of the EB and 25 % off, or non-physical); ringed: the antenna’s EB median is flagged against its own history.</p>
        <div id="dist"></div>
        <table id="dist-table"></table>
      </section>
      <section aria-labelledby="hist-title">
        <h2 id="hist-title">History of each antenna</h2>
        <p class="note">Per-EB Trec of the band (median over basebands and polarisations, outlying EBs left out: ×). Solid lines: change points (red unexplained, grey explained); dashed: Trec-affecting device changes; the chosen EB in blue.</p>
        <div id="history"></div>
      </section>
      <section aria-labelledby="cand-title">
        <h2 id="cand-title">Unexplained change points: the engineering candidates</h2>
        <label><input type="checkbox" id="only-chosen" /> Only the chosen antennas</label>
        <table id="candidates"></table>
      </section>
      <section aria-labelledby="score-title">
        <h2 id="score-title">Scores against the simulator’s truth</h2>
        <table id="scores"></table>
        <p id="online"></p>
      </section>
    </main>
  </body>
</html>
`;

const STYLE_CSS = `body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1d2733; }
form { display: flex; gap: 1.5rem; align-items: flex-start; flex-wrap: wrap; }
label { display: inline-flex; flex-direction: column; gap: 0.25rem; }
table { border-collapse: collapse; margin: 0.75rem 0; }
caption { text-align: left; font-weight: 600; }
th, td { border-bottom: 1px solid #d8dee6; padding: 0.25rem 0.75rem; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.note { color: #4a5563; max-width: 60rem; }
svg { display: block; margin: 0.5rem 0; max-width: 100%; height: auto; }
svg text { font-size: 11px; fill: #1d2733; }
.error { color: #a4262c; }
`;

/** The page's script; the SQL it needs comes from the recipes' own definitions. */
const appJs = () => `'use strict';
const CONFIG = ${JSON.stringify({ ebScansSql: ebScanFlagsSql(), deviceChanges: TREC_DEVICE_CHANGES })};
const SVG = 'http://www.w3.org/2000/svg';
const status = document.getElementById('status');
const ebSelect = document.getElementById('eb');
const antennaSelect = document.getElementById('antennas');
let ebs = [];

function el(tag, attrs, text) {
  const node = tag.startsWith('svg:') ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}
function median(values) {
  const s = values.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? null : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
// Counts as they are; other numbers with one decimal unless told.
const fmt = (v, digits) =>
  v === null || v === undefined ? '' : typeof v !== 'number' ? String(v) : digits === undefined && Number.isInteger(v) ? String(v) : v.toFixed(digits === undefined ? 1 : digits);
const kelvin = (v) => fmt(v, 1);
const pct = (v) => (v === null || v === undefined ? '' : (v >= 0 ? '+' : '') + (100 * v).toFixed(1) + ' %');
const day = (v) => String(v).slice(0, 16).replace('T', ' ');
const placeholders = (from, n) => Array.from({ length: n }, (_, i) => '$' + (from + i)).join(', ');

function fillTable(table, caption, headers, rows) {
  table.replaceChildren(el('caption', {}, caption));
  const head = table.insertRow();
  for (const h of headers) head.appendChild(el('th', { scope: 'col' }, h.label));
  for (const row of rows) {
    const tr = table.insertRow();
    for (const h of headers) {
      const td = tr.insertCell();
      const v = row[h.key];
      td.textContent = h.format ? h.format(v, row) : fmt(v);
      if (typeof v === 'number') td.className = 'num';
    }
  }
  if (rows.length === 0) table.insertRow().insertCell().textContent = 'None';
}

/** A strip of each antenna's values on a log axis; non-physical values are listed, not drawn. */
function drawDistributions(byAntenna, ebFlags) {
  const box = document.getElementById('dist');
  const names = Object.keys(byAntenna);
  const physical = names.flatMap((a) => byAntenna[a].filter((r) => !r.non_physical).map((r) => r.trec));
  if (physical.length === 0) return box.replaceChildren(el('p', {}, 'No physical Trec values in this EB.'));
  const lo = Math.log(Math.min(...physical) * 0.9);
  const hi = Math.log(Math.max(...physical) * 1.1);
  const W = 760, left = 70, right = 200, rowH = 28;
  const x = (v) => left + ((Math.log(v) - lo) / (hi - lo)) * (W - left - right);
  const svg = el('svg:svg', { viewBox: '0 0 ' + W + ' ' + (names.length * rowH + 30), role: 'img', 'aria-label': 'Trec values of each chosen antenna in the EB, outliers in red' });
  names.forEach((a, i) => {
    const y = 15 + i * rowH;
    svg.appendChild(el('svg:text', { x: 4, y: y + 4 }, a));
    svg.appendChild(el('svg:line', { x1: left, x2: W - right, y1: y, y2: y, stroke: '#d8dee6' }));
    for (const r of byAntenna[a]) {
      if (r.non_physical) continue;
      const dot = el('svg:circle', { cx: x(r.trec), cy: y + (r.pol === 'X' ? -4 : 4), r: r.outlier ? 4 : 2.5, fill: r.outlier ? '#c62828' : '#1f5fa8' });
      dot.appendChild(el('svg:title', {}, a + ' ' + r.basebandname + ' ' + r.pol + ' scan ' + r.caldataid + ': ' + kelvin(r.trec) + ' K' + (r.outlier ? ' (outlier)' : '')));
      svg.appendChild(dot);
    }
    const m = median(byAntenna[a].filter((r) => !r.non_physical).map((r) => r.trec));
    if (m !== null) {
      svg.appendChild(el('svg:line', { x1: x(m), x2: x(m), y1: y - 9, y2: y + 9, stroke: '#1d2733', 'stroke-width': 2 }));
      if (ebFlags[a]) svg.appendChild(el('svg:circle', { cx: x(m), cy: y, r: 10, fill: 'none', stroke: '#c62828', 'stroke-width': 2 }));
    }
    const bad = byAntenna[a].filter((r) => r.non_physical).map((r) => kelvin(r.trec) + ' K');
    if (bad.length) svg.appendChild(el('svg:text', { x: W - right + 8, y: y + 4, fill: '#c62828' }, 'non-physical: ' + bad.join(', ')));
  });
  const axisY = names.length * rowH + 20;
  for (const t of [Math.exp(lo), Math.exp((lo + hi) / 2), Math.exp(hi)])
    svg.appendChild(el('svg:text', { x: x(t) - 12, y: axisY }, fmt(t, 0) + ' K'));
  box.replaceChildren(svg);
}

/** One small chart per antenna: per-EB Trec over time, change points and device changes as lines. */
function drawHistory(antennas, series, outliers, changes, devices, eb) {
  const box = document.getElementById('history');
  box.replaceChildren();
  const all = series.concat(outliers);
  if (all.length === 0) return box.appendChild(el('p', {}, 'No history for these antennas in this band yet.'));
  const times = all.map((r) => Date.parse(r.eb_start));
  const t0 = Math.min(...times), t1 = Math.max(...times) + 1;
  const W = 760, H = 150, left = 55, right = 10, top = 10, bottom = 25;
  const x = (t) => left + ((Date.parse(t) - t0) / (t1 - t0)) * (W - left - right);
  for (const a of antennas) {
    const mine = series.filter((r) => r.antennaname === a);
    const out = outliers.filter((r) => r.antennaname === a);
    const values = mine.concat(out).map((r) => r.trec);
    const cps = changes.filter((c) => c.antennaname === a);
    const devs = devices.filter((d) => d.antennaname === a);
    const svg = el('svg:svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': a + ': per-EB Trec history, ' + cps.length + ' change points, ' + devs.length + ' device changes' });
    svg.appendChild(el('svg:text', { x: left, y: 12 }, a + ' (' + mine.length + ' EBs, ' + cps.length + ' change points)'));
    if (values.length) {
      const lo = Math.min(...values) * 0.97, hi = Math.max(...values) * 1.03;
      const y = (v) => top + 12 + (1 - (v - lo) / (hi - lo || 1)) * (H - top - bottom - 12);
      svg.appendChild(el('svg:text', { x: 2, y: y(hi) + 4 }, fmt(hi, 0) + ' K'));
      svg.appendChild(el('svg:text', { x: 2, y: y(lo) }, fmt(lo, 0) + ' K'));
      for (const d of devs) {
        const line = el('svg:line', { x1: x(d.eventtime), x2: x(d.eventtime), y1: top + 12, y2: H - bottom, stroke: '#6b4fa1', 'stroke-dasharray': '4 3' });
        line.appendChild(el('svg:title', {}, d.change_type + ' ' + day(d.eventtime)));
        svg.appendChild(line);
      }
      for (const c of cps) {
        const line = el('svg:line', { x1: x(c.change_at), x2: x(c.change_at), y1: top + 12, y2: H - bottom, stroke: c.label === 'unexplained' ? '#c62828' : '#8a949e', 'stroke-width': 2 });
        line.appendChild(el('svg:title', {}, c.label + ' change ' + pct(c.relative_magnitude) + ' at ' + day(c.change_at)));
        svg.appendChild(line);
      }
      const ebRow = mine.concat(out).find((r) => r.eb_uid === eb);
      if (ebRow) svg.appendChild(el('svg:line', { x1: x(ebRow.eb_start), x2: x(ebRow.eb_start), y1: top + 12, y2: H - bottom, stroke: '#1f5fa8' }));
      svg.appendChild(el('svg:polyline', { points: mine.map((r) => x(r.eb_start) + ',' + y(r.trec)).join(' '), fill: 'none', stroke: '#1d2733' }));
      for (const r of out) svg.appendChild(el('svg:text', { x: x(r.eb_start) - 4, y: y(r.trec) + 4, fill: '#c62828' }, '×'));
    }
    svg.appendChild(el('svg:text', { x: left, y: H - 6 }, day(new Date(t0).toISOString()).slice(0, 10)));
    svg.appendChild(el('svg:text', { x: W - right - 70, y: H - 6 }, day(new Date(t1).toISOString()).slice(0, 10)));
    box.appendChild(svg);
  }
}

async function showCandidates() {
  const only = document.getElementById('only-chosen').checked;
  const chosen = Array.from(antennaSelect.selectedOptions).map((o) => o.value);
  const where = only && chosen.length ? ' AND antennaname IN (' + placeholders(1, chosen.length) + ')' : '';
  const t = await llano.sql(
    "SELECT change_at, antennaname, receiverband, trec_before, trec_after, relative_magnitude, relative_to_array, device_change, eb_distance FROM trec_change_explained WHERE label = 'unexplained'" + where + ' ORDER BY change_at DESC',
    only ? chosen : [],
    { limit: 500 },
  );
  fillTable(document.getElementById('candidates'), t.rows.length + (t.truncated ? '+' : '') + ' unexplained change points', [
    { key: 'change_at', label: 'At', format: day },
    { key: 'antennaname', label: 'Antenna' },
    { key: 'receiverband', label: 'Band' },
    { key: 'trec_before', label: 'Trec before (K)', format: kelvin },
    { key: 'trec_after', label: 'Trec after (K)', format: kelvin },
    { key: 'relative_magnitude', label: 'Step', format: pct },
    { key: 'relative_to_array', label: 'Against the array', format: pct },
    { key: 'device_change', label: 'Nearest device change' },
    { key: 'eb_distance', label: 'EBs away' },
  ], t.rows);
}

async function showScores() {
  try {
    const t = await llano.sql('SELECT measure, truth, detected, right_detections, found, precision, recall FROM trec_qa_scores');
    fillTable(document.getElementById('scores'), 'Outliers and change points', [
      { key: 'measure', label: 'Measure' },
      { key: 'truth', label: 'In the truth' },
      { key: 'detected', label: 'Detected' },
      { key: 'right_detections', label: 'Right' },
      { key: 'found', label: 'Found' },
      { key: 'precision', label: 'Precision', format: (v) => fmt(v, 2) },
      { key: 'recall', label: 'Recall', format: (v) => fmt(v, 2) },
    ], t.rows);
  } catch (e) {
    document.getElementById('scores').replaceChildren(el('caption', {}, 'Not scored yet: trec_qa_scores is built by the nightly scan-table refresh (or npm run bench trec-qa).'));
  }
  try {
    const o = (await llano.sql('SELECT alarms, false_alarms, antennas, years, false_alarms_per_antenna_year FROM trec_online_scores')).rows[0];
    document.getElementById('online').textContent = 'Online early warning: ' + o.alarms + ' alarms, ' + o.false_alarms + ' false, ' + fmt(o.false_alarms_per_antenna_year, 2) + ' false alarms per antenna-year (' + o.antennas + ' antennas, ' + fmt(o.years, 2) + ' years).';
  } catch (e) {
    document.getElementById('online').textContent = 'Online early warning: not scored yet (its first run learns the history).';
  }
}

async function showEb() {
  const eb = ebSelect.value;
  const info = ebs.find((e) => e.eb_uid === eb);
  const chosen = Array.from(antennaSelect.selectedOptions).map((o) => o.value);
  if (!info || chosen.length === 0) return;
  status.textContent = 'Loading ' + eb + '…';
  const band = info.band;
  const inList = placeholders(2, chosen.length);
  const [scans, flags, series, outliers, changes, devices] = await Promise.all([
    llano.sql(CONFIG.ebScansSql, [eb], { limit: 10000 }),
    llano.sql('SELECT antennaname, count(*) FILTER (WHERE eb_outlier) AS flagged FROM eb_trec_clean WHERE eb_uid = $1 GROUP BY ALL', [eb], { limit: 10000 }),
    llano.sql('SELECT antennaname, eb_uid, eb_start, trec_k AS trec FROM eb_trec_antenna_band WHERE receiverband = $1 AND antennaname IN (' + inList + ') ORDER BY eb_start', [band].concat(chosen), { limit: 10000 }),
    llano.sql('SELECT antennaname, eb_uid, min(eb_start) AS eb_start, median(trec_median) AS trec FROM eb_trec_clean WHERE eb_outlier AND receiverband = $1 AND antennaname IN (' + inList + ') GROUP BY ALL', [band].concat(chosen), { limit: 10000 }),
    llano.sql('SELECT antennaname, change_at, label, relative_magnitude FROM trec_change_explained WHERE receiverband = $1 AND antennaname IN (' + inList + ')', [band].concat(chosen), { limit: 10000 }),
    llano.sql('SELECT antennaname, eventtime, change_type FROM device_change WHERE (receiverband = $1 OR receiverband IS NULL) AND antennaname IN (' + inList + ') AND change_type IN (' + CONFIG.deviceChanges.map((c) => "'" + c + "'").join(', ') + ')', [band].concat(chosen), { limit: 10000 }),
  ]);
  const ebFlags = {};
  for (const f of flags.rows) ebFlags[f.antennaname] = f.flagged > 0;
  const byAntenna = {};
  for (const a of chosen) byAntenna[a] = [];
  for (const r of scans.rows) if (byAntenna[r.antennaname]) byAntenna[r.antennaname].push(r);
  drawDistributions(byAntenna, ebFlags);
  fillTable(document.getElementById('dist-table'), 'Trec per antenna in ' + eb + ' (' + band + ')', [
    { key: 'antenna', label: 'Antenna' },
    { key: 'values', label: 'Values' },
    { key: 'median', label: 'Median (K)', format: kelvin },
    { key: 'min', label: 'Min (K)', format: kelvin },
    { key: 'max', label: 'Max (K)', format: kelvin },
    { key: 'outliers', label: 'Outliers' },
    { key: 'nonPhysical', label: 'Non-physical' },
    { key: 'ebFlag', label: 'EB median flagged' },
  ], chosen.map((a) => {
    const good = byAntenna[a].filter((r) => !r.non_physical).map((r) => r.trec);
    return {
      antenna: a,
      values: byAntenna[a].length,
      median: median(good),
      min: good.length ? Math.min(...good) : null,
      max: good.length ? Math.max(...good) : null,
      outliers: byAntenna[a].filter((r) => r.outlier).length,
      nonPhysical: byAntenna[a].filter((r) => r.non_physical).length,
      ebFlag: ebFlags[a] ? 'yes' : 'no',
    };
  }));
  drawHistory(chosen, series.rows, outliers.rows, changes.rows, devices.rows, eb);
  await showCandidates();
  status.textContent = eb + ' (' + band + ', ' + day(info.eb_start) + '): ' + chosen.length + ' of ' + info.antennas + ' antennas shown.';
}

async function pickEb() {
  const eb = ebSelect.value;
  const [t, flags] = await Promise.all([
    llano.sql('SELECT DISTINCT antennaname FROM eb_trec_antenna_band WHERE eb_uid = $1 ORDER BY 1', [eb], { limit: 1000 }),
    llano.sql('SELECT DISTINCT antennaname FROM eb_trec_clean WHERE eb_uid = $1 AND eb_outlier ORDER BY 1', [eb], { limit: 1000 }),
  ]);
  const flagged = new Set(flags.rows.map((r) => r.antennaname));
  // The flagged antennas first, then the others up to four.
  const names = t.rows.map((r) => r.antennaname);
  const preselected = new Set(names.filter((a) => flagged.has(a)).concat(names.filter((a) => !flagged.has(a))).slice(0, Math.max(4, flagged.size)));
  antennaSelect.replaceChildren(...names.map((a) => {
    const o = el('option', { value: a }, a + (flagged.has(a) ? ' (flagged)' : ''));
    o.selected = preselected.has(a);
    return o;
  }));
}

async function start() {
  try {
    const t = await llano.sql('SELECT eb_uid, min(eb_start) AS eb_start, min(receiverband) AS band, count(DISTINCT antennaname) AS antennas FROM eb_trec_antenna_band GROUP BY eb_uid ORDER BY eb_start DESC', [], { limit: 2000 });
    ebs = t.rows;
    ebSelect.replaceChildren(...ebs.map((e) => el('option', { value: e.eb_uid }, e.eb_uid + ' · ' + e.band + ' · ' + day(e.eb_start))));
    const wanted = new URLSearchParams(location.hash.slice(1)).get('eb');
    if (wanted && ebs.some((e) => e.eb_uid === wanted)) ebSelect.value = wanted;
    await pickEb();
    await Promise.all([showEb(), showScores()]);
  } catch (e) {
    status.textContent = e.message;
    status.className = 'error';
  }
}

const guard = (fn) => () => fn().catch((e) => { status.textContent = e.message; status.className = 'error'; });
ebSelect.addEventListener('change', guard(async () => { await pickEb(); await showEb(); }));
document.getElementById('pick').addEventListener('submit', (event) => { event.preventDefault(); void guard(showEb)(); });
document.getElementById('only-chosen').addEventListener('change', guard(showCandidates));
void start();
`;

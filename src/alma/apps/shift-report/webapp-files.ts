/**
 * The shift-report webapp (static, no network beyond Llano): pick an array and a period, read
 * every metric pooled and as the mean of the shifts, drill from the period to its shifts and from a
 * shift to its timeline of EBs and gaps (drawn in SVG), and filter the gap table. It reads the
 * report's datasets with `llano.sql`, so it sees what its viewer may read.
 */

const INDEX_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Shift report</title>
    <link rel="stylesheet" href="style.css" />
    <script src="/webapps/_client.js"></script>
    <script src="app.js" defer></script>
  </head>
  <body>
    <main>
      <h1>Shift and observing-time efficiency</h1>
      <p id="status" role="status">Loading…</p>
      <form id="pick" aria-label="Array and period">
        <label>Array
          <select id="array"><option value="12m">12 m</option><option value="7m">7 m</option><option value="TP">Total Power</option></select>
        </label>
        <label>Period
          <select id="period"><option value="shift">Shift</option><option value="week" selected>Week</option><option value="month">Month</option><option value="cycle">Cycle</option></select>
        </label>
        <label>Which <select id="which"></select></label>
      </form>
      <section aria-labelledby="metrics-title">
        <h2 id="metrics-title">Metrics</h2>
        <p class="note">Pooled: rates on the period's summed hours. Mean of shifts: the average of the per-shift rates.</p>
        <table id="metrics"><thead><tr><th scope="col">Metric</th><th scope="col">Pooled</th><th scope="col">Mean of shifts</th></tr></thead><tbody></tbody></table>
      </section>
      <section aria-labelledby="trend-title">
        <h2 id="trend-title">Observation efficiency per week</h2>
        <svg id="trend" role="img" aria-label="Observation efficiency per week" width="720" height="160"></svg>
      </section>
      <section aria-labelledby="shifts-title">
        <h2 id="shifts-title">Shifts of the period</h2>
        <table id="shifts"><thead><tr><th scope="col">Shift</th><th scope="col">Activity</th><th scope="col">Observation eff. %</th><th scope="col">Operation eff. %</th><th scope="col">Weather h</th><th scope="col">Remaining h</th><th scope="col">Timeline</th></tr></thead><tbody></tbody></table>
      </section>
      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        <p id="timeline-caption">Pick a shift above.</p>
        <svg id="timeline" role="img" aria-label="Shift timeline" width="720" height="70"></svg>
        <table id="segments"><thead><tr><th scope="col">Start</th><th scope="col">End</th><th scope="col">Kind</th><th scope="col">What</th><th scope="col">Hours</th><th scope="col">Detail</th></tr></thead><tbody></tbody></table>
      </section>
      <section aria-labelledby="gaps-title">
        <h2 id="gaps-title">Gap table</h2>
        <form id="gap-filters" aria-label="Gap filters">
          <label>Class <select id="f-class"></select></label>
          <label>Type <select id="f-type"></select></label>
          <label>Tag <select id="f-tag"></select></label>
          <label>Priority <select id="f-priority"></select></label>
          <label>Array <select id="f-array"></select></label>
        </form>
        <p id="gaps-count"></p>
        <table id="gaps"><thead><tr><th scope="col">End</th><th scope="col">Class</th><th scope="col">Type</th><th scope="col">Tag</th><th scope="col">Hours</th><th scope="col">Comment</th><th scope="col">Priority</th><th scope="col">Array</th></tr></thead><tbody></tbody></table>
      </section>
    </main>
  </body>
</html>
`;

const STYLE_CSS = `body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1d2733; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 1.5rem; }
table { border-collapse: collapse; margin-top: 0.5rem; }
th, td { border-bottom: 1px solid #d8dee6; padding: 0.2rem 0.6rem; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
label { margin-right: 1rem; }
.note { color: #4a5561; }
.error { color: #a4262c; }
section { overflow-x: auto; }
button { font: inherit; }
`;

// Plain JavaScript (no template strings: this file is itself a template string).
const APP_JS = `'use strict';
var $ = function (id) { return document.getElementById(id); };
var METRICS = [
  ['n_shifts', 'Shifts', null], ['duration_h', 'Shift duration [h]', null], ['handover_h', 'Handover [h]', null],
  ['qa0_pass_h', 'QA0 Pass [h]', null], ['qa0_semipass_h', 'QA0 SemiPass [h]', null],
  ['qa0_pending_h', 'QA0 Pending [h]', null], ['qa0_fail_h', 'QA0 Fail [h]', null],
  ['cal_success_h', 'Calibration success [h]', null], ['cal_unsuccess_h', 'Calibration failure [h]', null],
  ['weather_h', 'Weather downtime [h]', null], ['technical_h', 'Technical downtime [h]', null],
  ['scheduling_h', 'Scheduling downtime [h]', null], ['testing_h', 'Testing time [h]', null],
  ['remaining_h', 'Remaining time [h]', null],
  ['observation_efficiency_pct', 'Observation efficiency with calibration [%]', 'mean_shift_observation_efficiency_pct'],
  ['operation_efficiency_pct', 'Operation efficiency with calibration [%]', 'mean_shift_operation_efficiency_pct'],
  ['time_lost_rate_pct', 'Time lost rate due to failures [%]', 'mean_shift_time_lost_rate_pct'],
  ['calibration_rate_pct', 'Calibration rate [%]', 'mean_shift_calibration_rate_pct'],
  ['time_completeness_pct', 'Time completeness [%]', 'mean_shift_time_completeness_pct'],
  ['backlog_rate_pct', 'Backlog rate [%]', 'mean_shift_backlog_rate_pct']
];
var COLOURS = { 'QA0 Pass': '#2e7d32', 'QA0 SemiPass': '#9e9d24', 'QA0 Pending': '#66bb6a', 'QA0 Fail': '#c62828',
  'Weather downtime': '#1565c0', 'Technical downtime': '#ef6c00', 'Scheduling downtime': '#8e24aa',
  'Testing time gap': '#6d4c41', Handover: '#90a4ae' };
var SVG = 'http://www.w3.org/2000/svg';

function fmt(v) {
  if (v === null || v === undefined) return '—';
  var n = Number(v);
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}
function time(v) { return v ? String(v).replace('T', ' ').slice(0, 16) : ''; }
function ms(v) {
  var s = String(v).replace(' ', 'T');
  return Date.parse(/(Z|[+-]\\d\\d:?\\d\\d)$/.test(s) ? s : s + 'Z');
}
function cell(tr, text, numeric) {
  var td = document.createElement('td');
  td.textContent = text;
  if (numeric) td.className = 'num';
  tr.appendChild(td);
  return td;
}
function clear(tbody) { while (tbody.firstChild) tbody.removeChild(tbody.firstChild); }
function fail(e) { $('status').textContent = e.message; $('status').className = 'error'; }
function sql(query, params, limit) { return llano.sql(query, params || [], { limit: limit || 1000 }).then(function (t) { return t.rows; }); }

function loadPeriods() {
  return sql('SELECT period_label, period_start FROM shift_report WHERE array_family = $1 AND period = $2 ORDER BY period_start DESC',
    [$('array').value, $('period').value], 5000).then(function (rows) {
    var select = $('which');
    select.textContent = '';
    rows.forEach(function (r) {
      var o = document.createElement('option');
      o.value = r.period_label;
      o.textContent = r.period_label;
      select.appendChild(o);
    });
    return showPeriod();
  });
}

function showPeriod() {
  var args = [$('array').value, $('period').value, $('which').value];
  return sql('SELECT * FROM shift_report WHERE array_family = $1 AND period = $2 AND period_label = $3', args).then(function (rows) {
    var body = $('metrics').tBodies[0];
    clear(body);
    var r = rows[0];
    if (!r) { $('status').textContent = 'No shifts for this array.'; return; }
    $('status').textContent = r.period_label + ': ' + r.n_shifts + ' shift(s) of the ' + r.array_family + ' array';
    METRICS.forEach(function (m) {
      var tr = document.createElement('tr');
      var th = document.createElement('th');
      th.scope = 'row';
      th.textContent = m[1];
      tr.appendChild(th);
      cell(tr, fmt(r[m[0]]), true).dataset.metric = m[0];
      cell(tr, m[2] ? fmt(r[m[2]]) : '', true);
      body.appendChild(tr);
    });
    return sql('SELECT m.shift_id, m.activity, m.observation_efficiency_with_cal_pct AS obs, m.operation_efficiency_with_cal_pct AS op, ' +
      'm.weather_h, m.remaining_h FROM shift_metrics m JOIN shift_report r ON m.array_family = r.array_family ' +
      'AND m.start_ts >= r.period_start AND m.start_ts < r.period_end ' +
      'WHERE r.array_family = $1 AND r.period = $2 AND r.period_label = $3 ORDER BY m.start_ts', args, 5000).then(showShifts);
  });
}

function showShifts(rows) {
  var body = $('shifts').tBodies[0];
  clear(body);
  rows.forEach(function (s) {
    var tr = document.createElement('tr');
    cell(tr, s.shift_id);
    cell(tr, s.activity);
    cell(tr, fmt(s.obs), true);
    cell(tr, fmt(s.op), true);
    cell(tr, fmt(s.weather_h), true);
    cell(tr, fmt(s.remaining_h), true);
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = 'Timeline';
    b.setAttribute('aria-label', 'Timeline of ' + s.shift_id);
    b.addEventListener('click', function () { showTimeline(s.shift_id).catch(fail); });
    tr.appendChild(document.createElement('td')).appendChild(b);
    body.appendChild(tr);
  });
}

function showTimeline(shiftId) {
  return Promise.all([
    sql('SELECT start_ts, end_ts FROM shift WHERE shift_id = $1', [shiftId]),
    sql('SELECT * FROM shift_timeline WHERE shift_id = $1 ORDER BY start_ts', [shiftId], 2000)
  ]).then(function (res) {
    var shift = res[0][0];
    var segs = res[1];
    $('timeline-caption').textContent = 'Shift ' + shiftId + ': ' + segs.length + ' EBs and gaps';
    var svg = $('timeline');
    svg.textContent = '';
    svg.setAttribute('aria-label', 'Timeline of ' + shiftId);
    var t0 = ms(shift.start_ts), t1 = ms(shift.end_ts);
    var x = function (v) { return 10 + (700 * (ms(v) - t0)) / (t1 - t0); };
    segs.forEach(function (s) {
      var rect = document.createElementNS(SVG, 'rect');
      rect.setAttribute('x', x(s.start_ts));
      rect.setAttribute('width', Math.max(1, x(s.end_ts) - x(s.start_ts)));
      rect.setAttribute('y', s.kind === 'EB' ? 5 : 35);
      rect.setAttribute('height', 25);
      rect.setAttribute('fill', COLOURS[s.label] || (s.kind === 'EB' ? '#81c784' : '#b0bec5'));
      var title = document.createElementNS(SVG, 'title');
      title.textContent = s.label + ' ' + time(s.start_ts) + ' to ' + time(s.end_ts) + (s.detail ? ': ' + s.detail : '');
      rect.appendChild(title);
      svg.appendChild(rect);
    });
    var body = $('segments').tBodies[0];
    clear(body);
    segs.forEach(function (s) {
      var tr = document.createElement('tr');
      cell(tr, time(s.start_ts));
      cell(tr, time(s.end_ts));
      cell(tr, s.kind);
      cell(tr, s.label);
      cell(tr, fmt(s.duration_h), true);
      cell(tr, s.detail || '');
      body.appendChild(tr);
    });
  });
}

function showTrend() {
  return sql("SELECT period_label, observation_efficiency_pct AS v FROM shift_report WHERE array_family = $1 AND period = 'week' ORDER BY period_start",
    [$('array').value], 2000).then(function (rows) {
    var svg = $('trend');
    svg.textContent = '';
    var points = rows.filter(function (r) { return r.v !== null; });
    if (!points.length) return;
    var step = points.length > 1 ? 680 / (points.length - 1) : 0;
    var line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('fill', 'none');
    line.setAttribute('stroke', '#1565c0');
    line.setAttribute('stroke-width', '2');
    line.setAttribute('points', points.map(function (p, i) { return (20 + i * step) + ',' + (150 - 1.4 * Number(p.v)); }).join(' '));
    svg.appendChild(line);
    points.forEach(function (p, i) {
      var c = document.createElementNS(SVG, 'circle');
      c.setAttribute('cx', 20 + i * step);
      c.setAttribute('cy', 150 - 1.4 * Number(p.v));
      c.setAttribute('r', 3);
      c.setAttribute('fill', '#1565c0');
      var title = document.createElementNS(SVG, 'title');
      title.textContent = p.period_label + ': ' + fmt(p.v) + ' %';
      c.appendChild(title);
      svg.appendChild(c);
    });
  });
}

var GAP_FILTERS = [['f-class', 'class'], ['f-type', 'type'], ['f-tag', 'tag'], ['f-priority', 'priority'], ['f-array', 'array_family']];
function loadGapFilters() {
  return Promise.all(GAP_FILTERS.map(function (f) {
    return sql('SELECT DISTINCT ' + f[1] + ' AS v FROM shift_gap_table WHERE ' + f[1] + ' IS NOT NULL ORDER BY 1', [], 500).then(function (rows) {
      var select = $(f[0]);
      var all = document.createElement('option');
      all.value = '';
      all.textContent = 'All';
      select.appendChild(all);
      rows.forEach(function (r) {
        var o = document.createElement('option');
        o.value = r.v;
        o.textContent = r.v;
        select.appendChild(o);
      });
      select.addEventListener('change', function () { showGaps().catch(fail); });
    });
  })).then(showGaps);
}
function showGaps() {
  var where = [], params = [];
  GAP_FILTERS.forEach(function (f) {
    var v = $(f[0]).value;
    if (v) { params.push(v); where.push(f[1] + ' = $' + params.length); }
  });
  var q = 'SELECT end_ts, class, type, tag, duration_h, comment, priority, array_family FROM shift_gap_table' +
    (where.length ? ' WHERE ' + where.join(' AND ') : '') + ' ORDER BY start_ts DESC';
  return llano.sql(q, params, { limit: 500 }).then(function (t) {
    $('gaps-count').textContent = t.rows.length + (t.truncated ? '+ rows (newest 500 shown)' : ' rows');
    var body = $('gaps').tBodies[0];
    clear(body);
    t.rows.forEach(function (g) {
      var tr = document.createElement('tr');
      cell(tr, time(g.end_ts));
      cell(tr, g.class);
      cell(tr, g.type);
      cell(tr, g.tag || '');
      cell(tr, fmt(g.duration_h), true);
      cell(tr, g.comment || '');
      cell(tr, g.priority || '');
      cell(tr, g.array_family);
      body.appendChild(tr);
    });
  });
}

$('array').addEventListener('change', function () { Promise.all([loadPeriods(), showTrend()]).catch(fail); });
$('period').addEventListener('change', function () { loadPeriods().catch(fail); });
$('which').addEventListener('change', function () { showPeriod().catch(fail); });
Promise.all([loadPeriods(), showTrend(), loadGapFilters()]).catch(fail);
`;

export const SHIFT_REPORT_WEBAPP = {
  id: 'shift_report',
  name: 'Shift report',
  kind: 'static' as const,
  description:
    'Pick an array and a period: every §4.3 metric pooled and as the mean of shifts, the period’s shifts, a shift’s timeline of EBs and gaps, and the filterable gap table.',
  files: { 'index.html': INDEX_HTML, 'style.css': STYLE_CSS, 'app.js': APP_JS },
  // What its queries read: all that a viewer it is shared with (outside the project) may read through it.
  datasets: ['shift', 'shift_gap_table', 'shift_metrics', 'shift_report', 'shift_timeline'],
};

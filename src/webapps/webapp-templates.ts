import type { WebappKind } from './webapp-types.js';

/**
 * Webapps to start from (the UI's "New webapp" and `llano webapp create --template`). `__DATASET__`
 * in a file is replaced by the dataset the user picks.
 */
export interface WebappTemplate {
  id: string;
  label: string;
  description: string;
  /** A dataset must be picked (its name replaces `__DATASET__`). */
  needsDataset: boolean;
  kind: WebappKind;
  files: Record<string, string>;
}

const page = (title: string, body: string) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${title}</title>
    <link rel="stylesheet" href="style.css" />
    <script src="/webapps/_client.js"></script>
    <script src="app.js" defer></script>
  </head>
  <body>
${body}
  </body>
</html>
`;

const STYLE = `body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1d2733; }
table { border-collapse: collapse; margin-top: 1rem; }
th, td { border-bottom: 1px solid #d8dee6; padding: 0.25rem 0.75rem; text-align: left; }
label { margin-right: 1rem; }
.error { color: #a4262c; }
`;

export const WEBAPP_TEMPLATES: WebappTemplate[] = [
  {
    id: 'blank',
    label: 'Blank',
    description: 'A page, a script and a backend function to fill in',
    needsDataset: false,
    kind: 'static',
    files: {
      'index.html': page(
        'My webapp',
        '    <main>\n      <h1>My webapp</h1>\n      <p id="out">Loading…</p>\n    </main>',
      ),
      'style.css': STYLE,
      'app.js': `// llano.dataset(name).rows(…), .aggregate(…), llano.sql(query, params) and llano.backend(name, body)
llano
  .backend('hello', { name: 'webapp' })
  .then((answer) => (document.getElementById('out').textContent = answer.message))
  .catch((e) => (document.getElementById('out').textContent = e.message));
`,
      'backend.ts': `/** Each exported function answers at api/<name>: request.query (GET) or request.body (POST) in, JSON out. */
export async function hello(request: { body: { name?: string } | null; user: { username: string } }) {
  return { message: \`Hello \${request.body?.name ?? 'world'}, from \${request.user.username}\` };
}
`,
    },
  },
  {
    id: 'dataset-explorer',
    label: 'Dataset explorer',
    description: 'A filterable table of one dataset',
    needsDataset: true,
    kind: 'static',
    files: {
      'index.html': page(
        'Dataset explorer',
        `    <main>
      <h1>__DATASET__</h1>
      <form id="filter">
        <label>Column <input id="column" /></label>
        <label>equals <input id="value" /></label>
        <button type="submit">Filter</button>
      </form>
      <p id="status" role="status"></p>
      <table id="rows"></table>
    </main>`,
      ),
      'style.css': STYLE,
      'app.js': `const DATASET = '__DATASET__';
const status = document.getElementById('status');

function show(table) {
  const el = document.getElementById('rows');
  el.replaceChildren();
  const head = el.insertRow();
  for (const c of table.columns) head.appendChild(Object.assign(document.createElement('th'), { textContent: c }));
  for (const row of table.rows) {
    const tr = el.insertRow();
    for (const c of table.columns) tr.insertCell().textContent = row[c] === null ? '' : String(row[c]);
  }
  status.textContent = table.total + ' rows match';
}

async function load() {
  const column = document.getElementById('column').value.trim();
  const value = document.getElementById('value').value;
  const filters = column ? [{ column, op: 'eq', value }] : [];
  try {
    show(await llano.dataset(DATASET).rows({ filters, limit: 100 }));
  } catch (e) {
    status.textContent = e.message;
  }
}

document.getElementById('filter').addEventListener('submit', (event) => {
  event.preventDefault();
  void load();
});
void load();
`,
    },
  },
  {
    id: 'chart-filters',
    label: 'Chart + filters',
    description: 'A bar chart of a measure per group, with a filter, computed in the engine',
    needsDataset: true,
    kind: 'static',
    files: {
      'index.html': page(
        'Chart',
        `    <main>
      <h1>__DATASET__</h1>
      <form id="controls">
        <label>Group by <input id="group" /></label>
        <label>Average of <input id="measure" /></label>
        <button type="submit">Draw</button>
      </form>
      <p id="status" role="status"></p>
      <svg id="chart" width="640" height="320" role="img" aria-label="Bar chart"></svg>
    </main>`,
      ),
      'style.css': `${STYLE}svg rect { fill: #2f6fb3; }\n`,
      'app.js': `const DATASET = '__DATASET__';
const status = document.getElementById('status');
const NS = 'http://www.w3.org/2000/svg';

function draw(rows, group, value) {
  const svg = document.getElementById('chart');
  svg.replaceChildren();
  const max = Math.max(1e-9, ...rows.map((r) => Number(r[value]) || 0));
  const width = 640 / Math.max(1, rows.length);
  rows.forEach((r, i) => {
    const h = ((Number(r[value]) || 0) / max) * 280;
    const rect = document.createElementNS(NS, 'rect');
    rect.setAttribute('x', String(i * width + 4));
    rect.setAttribute('y', String(300 - h));
    rect.setAttribute('width', String(Math.max(1, width - 8)));
    rect.setAttribute('height', String(h));
    const title = document.createElementNS(NS, 'title');
    title.textContent = r[group] + ': ' + r[value];
    rect.appendChild(title);
    svg.appendChild(rect);
    const label = document.createElementNS(NS, 'text');
    label.setAttribute('x', String(i * width + 4));
    label.setAttribute('y', '316');
    label.textContent = String(r[group]);
    svg.appendChild(label);
  });
}

async function load() {
  const group = document.getElementById('group').value.trim();
  const measure = document.getElementById('measure').value.trim();
  if (!group || !measure) {
    status.textContent = 'Name a column to group by and a numeric column to average';
    return;
  }
  try {
    const table = await llano.dataset(DATASET).aggregate({
      groupBy: [group],
      measures: [{ column: measure, agg: 'avg', as: 'value' }],
    });
    draw(table.rows, group, 'value');
    status.textContent = table.rows.length + ' groups';
  } catch (e) {
    status.textContent = e.message;
  }
}

document.getElementById('controls').addEventListener('submit', (event) => {
  event.preventDefault();
  void load();
});
void load();
`,
    },
  },
  {
    id: 'react-explorer',
    label: 'React dataset explorer',
    description: 'A React component (app.tsx) that filters a dataset with the client; Llano bundles it',
    needsDataset: true,
    kind: 'react',
    files: {
      'app.tsx': `import { useEffect, useState } from 'react';
import { llano } from 'llano';
import './style.css';

const DATASET = '__DATASET__';

interface Table {
  columns: string[];
  rows: Record<string, unknown>[];
  total: number;
}

/** The default export is the app: Llano bundles it with React and mounts it in the page. */
export default function App() {
  const [column, setColumn] = useState('');
  const [value, setValue] = useState('');
  const [filters, setFilters] = useState<{ column: string; op: string; value: string }[]>([]);
  const [table, setTable] = useState<Table | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    llano
      .dataset(DATASET)
      .rows({ filters, limit: 100 })
      .then((t: Table) => {
        setTable(t);
        setError('');
      })
      .catch((e: Error) => setError(e.message));
  }, [filters]);

  return (
    <main>
      <h1>{DATASET}</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setFilters(column.trim() ? [{ column: column.trim(), op: 'eq', value }] : []);
        }}
      >
        <label>
          Column <input value={column} onChange={(e) => setColumn(e.target.value)} />
        </label>
        <label>
          equals <input value={value} onChange={(e) => setValue(e.target.value)} />
        </label>
        <button type="submit">Filter</button>
      </form>
      <p role="status" className={error ? 'error' : undefined}>
        {error || (table ? \`\${table.total} rows match\` : 'Loading…')}
      </p>
      {table ? (
        <table>
          <thead>
            <tr>
              {table.columns.map((c) => (
                <th key={c}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((row, i) => (
              <tr key={i}>
                {table.columns.map((c) => (
                  <td key={c}>{row[c] === null ? '' : String(row[c])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </main>
  );
}
`,
      'style.css': STYLE,
    },
  },
  {
    id: 'python-flask',
    label: 'Python (Flask)',
    description: 'A Flask app in app.py reading a dataset with the llano module',
    needsDataset: true,
    kind: 'python',
    files: {
      'app.py': `from flask import Flask, request
import llano

app = Flask(__name__)


@app.route("/")
def index():
    table = llano.rows("__DATASET__", limit=20)
    head = "".join(f"<th>{c}</th>" for c in table["columns"])
    body = "".join("<tr>" + "".join(f"<td>{r[c]}</td>" for c in table["columns"]) + "</tr>" for r in table["rows"])
    who = request.headers.get("X-Llano-User")
    return f"<h1>__DATASET__</h1><p>Hello {who}</p><table><tr>{head}</tr>{body}</table>"
`,
    },
  },
];

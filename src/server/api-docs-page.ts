import { ACCESS_TEXT, type OpenApiDocument, type OpenApiOperation } from './openapi.js';

/**
 * The API document as one self-contained HTML page (`GET /api/docs`): operations grouped by
 * tag with who may call them, their parameters, bodies and answers. No script and nothing
 * fetched from elsewhere, so it works offline and on a phone.
 */

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Inline code spans from `backticks`, the rest escaped. */
const prose = (text: string) => escapeHtml(text).replace(/`([^`]+)`/g, (_, code: string) => `<code>${code}</code>`);

const STYLE = `
:root { color-scheme: light dark; --muted: #667; --line: #ccd; --get: #1b6e3a; --post: #1f4f9a; --put: #8a5a00; --patch: #6b3fa0; --delete: #a3222b; }
@media (prefers-color-scheme: dark) { :root { --muted: #aab; --line: #445; --get: #6fd08f; --post: #8fb4ff; --put: #f0c060; --patch: #c9a5ff; --delete: #ff8a8f; } }
body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem; }
a { color: inherit; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; }
nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; padding: 0; list-style: none; }
h2 { border-bottom: 1px solid var(--line); margin-top: 2rem; }
details.op { border: 1px solid var(--line); border-radius: .4rem; margin: .5rem 0; }
details.op > summary { cursor: pointer; padding: .6rem; display: flex; flex-wrap: wrap; gap: .25rem .6rem; align-items: baseline; }
details.op > div { padding: 0 .8rem .8rem; }
.method { font-weight: 700; font-family: ui-monospace, monospace; min-width: 4.5rem; }
.get { color: var(--get); } .post { color: var(--post); } .put { color: var(--put); } .patch { color: var(--patch); } .delete { color: var(--delete); }
.path { font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
.summary { flex-basis: 100%; color: var(--muted); min-width: 0; }
/* Long identifiers and paths in prose wrap rather than widen the page on a phone. */
p, dd, .summary, code { overflow-wrap: anywhere; }
h4 { margin: .8rem 0 .2rem; font-size: 1rem; }
pre { overflow-x: auto; background: rgba(127, 127, 127, .12); padding: .5rem; border-radius: .3rem; font-size: .85rem; }
dl.params dt { font-family: ui-monospace, monospace; } dl.params dd { margin: 0 0 .4rem 1rem; color: var(--muted); }
`;

function schemaBlock(label: string, schema: unknown): string {
  return `<details><summary>${escapeHtml(label)}</summary><pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre></details>`;
}

function operationHtml(method: string, path: string, op: OpenApiOperation): string {
  const params = op.parameters.length
    ? `<h4>Parameters</h4><dl class="params">${op.parameters
        .map(
          (p) =>
            `<dt>${escapeHtml(p.name)} <small>(${p.in}${p.required ? ', required' : ''})</small></dt><dd>${escapeHtml(
              JSON.stringify(p.schema),
            )}${p.description ? ` — ${prose(p.description)}` : ''}</dd>`,
        )
        .join('')}</dl>`
    : '';
  const body = op.requestBody
    ? `<h4>Request body</h4>${Object.entries(op.requestBody.content)
        .map(([type, { schema }]) => schemaBlock(type, schema))
        .join('')}`
    : '';
  const responses = `<h4>Responses</h4><ul>${Object.entries(op.responses)
    .map(
      ([status, r]) =>
        `<li><strong>${escapeHtml(status)}</strong> ${prose(r.description)}${Object.entries(r.content ?? {})
          .map(([type, { schema }]) => schemaBlock(type, schema))
          .join('')}</li>`,
    )
    .join('')}</ul>`;
  return `<details class="op" id="${escapeHtml(op.operationId)}">
<summary><span class="method ${method}">${method.toUpperCase()}</span><span class="path">${escapeHtml(path)}</span><span class="summary">${prose(op.summary)}</span></summary>
<div><p>Who may call it: ${escapeHtml(ACCESS_TEXT[op['x-llano-access']])}.</p>${params}${body}${responses}</div>
</details>`;
}

export function apiDocsPage(doc: OpenApiDocument): string {
  const byTag = new Map<string, string[]>(doc.tags.map((t) => [t.name, []]));
  for (const [path, methods] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(methods)) byTag.get(op.tags[0])?.push(operationHtml(method, path, op));
  const sections = [...byTag]
    .map(
      ([tag, ops]) =>
        `<section aria-labelledby="tag-${escapeHtml(tag)}"><h2 id="tag-${escapeHtml(tag)}">${escapeHtml(tag)}</h2>${ops.join('\n')}</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.info.title)} ${escapeHtml(doc.info.version)}</title>
<style>${STYLE}</style>
</head>
<body>
<a class="skip" href="#operations">Skip to the operations</a>
<header>
<h1>${escapeHtml(doc.info.title)} <small>${escapeHtml(doc.info.version)}</small></h1>
<p>${prose(doc.info.description)}</p>
<p>The same description as an OpenAPI ${escapeHtml(doc.openapi)} document: <a href="/api/openapi.json">/api/openapi.json</a>. Authenticate with <code>Authorization: Bearer &lt;session token or API key&gt;</code>.</p>
<nav aria-label="Tags"><ul>${[...byTag.keys()].map((t) => `<li><a href="#tag-${escapeHtml(t)}">${escapeHtml(t)}</a></li>`).join('')}</ul></nav>
</header>
<main id="operations">
${sections}
</main>
</body>
</html>
`;
}

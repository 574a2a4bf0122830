import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import type { SearchResult } from '../api/collab-types';
import { Async, EmptyState, PageHeader } from '../components/ui';
import { useApi } from '../lib/use-api';

const KINDS = ['dataset', 'recipe', 'scenario', 'dashboard', 'insight', 'wiki-page'];
const PAGE = 20;

/** The catalog search across every project you may read: ranked, filtered by kind and tag, paged. */
export default function SearchPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const kind = params.get('kind') ?? '';
  const tag = params.get('tag') ?? '';
  const offset = Number(params.get('offset') ?? 0) || 0;
  const [text, setText] = useState(q);
  const result = useApi<SearchResult>('/api/catalog/search', { q, kind, tag, offset, limit: PAGE });
  const set = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes))
      if (v) next.set(k, v);
      else next.delete(k);
    setParams(next);
  };
  return (
    <>
      <PageHeader
        title="Search the catalog"
        subtitle="Datasets (by name, column, tag, description), recipes, scenarios, dashboards, insights and wiki pages of every project you may read"
      />
      <form
        className="filter-bar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          set({ q: text, offset: '' });
        }}
      >
        <input
          type="search"
          aria-label="Search text"
          value={text}
          onChange={(e) => setText(e.target.value)}
          className="input-l"
        />
        <select aria-label="Kind" value={kind} onChange={(e) => set({ kind: e.target.value, offset: '' })}>
          <option value="">Every kind</option>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
        <button type="submit" className="btn primary">
          Search
        </button>
        {tag ? (
          <button type="button" className="btn small ghost" onClick={() => set({ tag: '', offset: '' })}>
            Tag {tag} ✕
          </button>
        ) : null}
      </form>
      <Async state={result} label="Searching…">
        {(r) =>
          r.items.length === 0 ? (
            <EmptyState title="Nothing found">Try another word, or fewer filters.</EmptyState>
          ) : (
            <>
              <p className="small muted" role="status">
                {offset + 1}–{offset + r.items.length} of {r.total}
              </p>
              <ul className="stack search-results">
                {r.items.map((h) => (
                  <li key={`${h.projectKey}/${h.kind}/${h.name}`} className="card">
                    <div className="row gap-1 wrap">
                      <Link to={h.url}>{h.title}</Link>
                      <span className="small muted">
                        {h.kind} in {h.projectKey}
                        {h.match ? ` · matched ${h.match}` : ''}
                      </span>
                    </div>
                    {h.description ? <p className="small">{h.description}</p> : null}
                    <div className="row gap-1 wrap">
                      {h.tags.map((t) => (
                        <button
                          key={t}
                          type="button"
                          className="tag"
                          aria-pressed={t === tag}
                          onClick={() => set({ tag: t, offset: '' })}
                        >
                          {t}
                        </button>
                      ))}
                    </div>
                  </li>
                ))}
              </ul>
              <div className="row gap-1">
                <button
                  type="button"
                  className="btn"
                  disabled={offset === 0}
                  onClick={() => set({ offset: String(Math.max(0, offset - PAGE)) })}
                >
                  Previous
                </button>
                <button
                  type="button"
                  className="btn"
                  disabled={offset + PAGE >= r.total}
                  onClick={() => set({ offset: String(offset + PAGE) })}
                >
                  Next
                </button>
              </div>
            </>
          )
        }
      </Async>
    </>
  );
}

import { placeTile } from '../../../src/insights/tile-layout.js';
import { useEffect, useMemo, useRef, useState } from 'react';
import { DiscussionsPanel } from '../components/discussions-panel';
import { TagsEditor } from '../components/tags-editor';
import { useConfirm } from '../components/confirm-dialog';
import { Link, Navigate, useNavigate, useParams } from 'react-router-dom';
import { api, ApiError, projectApi, queryString } from '../api/client';
import type {
  Dashboard,
  DashboardData,
  DashboardInfo,
  DashboardTile,
  InsightData,
  InsightInfo,
  ObjectShare,
} from '../api/types';
import { ShareButton } from '../components/share-dialog';
import { InsightView, type SelectedRange } from '../components/insight-view';
import { projectPath } from '../components/layout';
import { ErrorAlert, Loading, Notice, PageError, PageHeader } from '../components/ui';
import { useApi, type ApiState } from '../lib/use-api';
import { useProjectRole } from '../lib/use-project-role';
import { TilePicker } from './dashboard-tile-picker';
import { useTileInsights } from './dashboard-tile-insights';
import { sharedDashboardPath } from './home/shared-with-me';
import { useFocusableWhenScrolling } from '../lib/use-focusable-when-scrolling';
import { useRight } from '../lib/use-can';
import { ActionButton, DownloadLink } from '../components/can';
import { useMediaQuery } from '../lib/use-media-query';
import { stackedTiles, STACKED_BELOW_PX, stackedTileHeight } from './dashboard-stacking';
import { rememberChartSizes, rememberedChartSizes } from '../lib/chart-sizes';

const COLUMNS = 24;
const ROW_PX = 40;
const GAP = 8;
const REFRESH_CHOICES = [0, 30, 60, 300];

/** A filter of the whole page: typed in the filter bar, a clicked bar or a brushed range (cross-filter). */
interface PageFilter {
  column: string;
  values: string[];
  range?: SelectedRange;
}
const asQuery = (filters: PageFilter[]) =>
  filters.flatMap((f) => {
    if (f.range) {
      const { from, to, toInclusive } = f.range;
      const upper = to === null ? [] : [`${f.column}:${toInclusive ? 'le' : 'lt'}:${String(to)}`];
      return [`${f.column}:ge:${String(from)}`, ...upper];
    }
    return f.values.length ? [`${f.column}:in:${f.values.join('|')}`] : [];
  });
/** Bounds typed for a `range` (numbers, both ends included) or `date` filter (whole days, both included). */
interface TypedBounds {
  from: string;
  to: string;
}
const DAY_MS = 86_400_000;
/** The day after an ISO date (`2024-10-05` → `2024-10-06`): a date filter's end includes its whole day. */
const nextDay = (day: string) => {
  const at = Date.parse(`${day}T00:00:00Z`);
  // Not a day (a browser without a date picker passes what was typed): the server names the bad value.
  return Number.isNaN(at) ? day : new Date(at + DAY_MS).toISOString().slice(0, 10);
};
function boundsQuery(column: string, type: 'range' | 'date', { from, to }: TypedBounds): string[] {
  const parts: string[] = [];
  if (from.trim()) parts.push(`${column}:ge:${from.trim()}`);
  if (to.trim()) parts.push(type === 'date' ? `${column}:lt:${nextDay(to.trim())}` : `${column}:le:${to.trim()}`);
  return parts;
}

const describeFilter = (f: PageFilter) =>
  f.range
    ? `${f.column} from ${String(f.range.from)}${f.range.to === null ? '' : ` to ${String(f.range.to)}`}`
    : `${f.column} = ${f.values.join(', ')}`;

/**
 * A dashboard: pages of tiles on a 24-column grid. Filters of the bar and clicked bars apply to
 * every tile whose dataset has the column (the server ignores them elsewhere). Writers move a
 * tile by its title bar and resize it by its corner, then save; readers only read.
 *
 * `shared`: the page at /shared/KEY/dashboards/ID, outside the project's layout, for a viewer the
 * dashboard is shared with who is not a member (they can open nothing else of the project): read
 * only, each tile read as a tile of this dashboard, without the project's tags, discussions or
 * exports. A non-member who follows a project link to the dashboard is sent there.
 */
export default function DashboardPage({ shared = false }: { shared?: boolean }) {
  const { key = '', id = '' } = useParams();
  const navigate = useNavigate();
  const reader = useProjectRole('reader') === true;
  // Readers granted manage-dashboards edit dashboards too (writers and admins have it).
  const managing = useRight('manage-dashboards').ok === true;
  const canEdit = !shared && managing;
  const exporting = useRight('export-data');
  const stored = useApi<DashboardInfo>(projectApi(key, 'dashboards', id));
  const projectInsights = useApi<InsightInfo[]>(shared ? null : projectApi(key, 'insights'));
  const tileInsights = useTileInsights(shared ? key : null, id, stored.data);
  const insights = shared ? tileInsights : projectInsights;
  // The layout being edited; null: the stored one.
  const confirm = useConfirm();
  const [edited, setDraft] = useState<Dashboard | null>(null);
  const [pageIndex, setPageIndex] = useState(0);
  const [editing, setEditing] = useState(false);
  const [typed, setTyped] = useState<Record<string, string>>({});
  const [bounds, setBounds] = useState<Record<string, TypedBounds>>({});
  const [crossFilters, setCrossFilters] = useState<PageFilter[]>([]);
  const [refreshChoice, setRefreshSeconds] = useState<number | null>(null);
  const refreshSeconds = refreshChoice ?? stored.data?.refreshSeconds ?? 0;
  const [tick, setTick] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const root = useRef<HTMLDivElement>(null);
  // On a phone the tiles stack full width; their 24-column layout is edited on a wider screen.
  const stacked = useMediaQuery(`(max-width: ${STACKED_BELOW_PX - 1}px)`);
  const arranging = editing && !stacked;

  useEffect(() => {
    if (!refreshSeconds) return;
    const timer = setInterval(() => setTick((t) => t + 1), refreshSeconds * 1000);
    return () => clearInterval(timer);
  }, [refreshSeconds]);

  const barFilters = edited?.filters ?? stored.data?.filters;
  const filters = useMemo(() => {
    const fromBar = Object.entries(typed).map(([column, text]) => ({
      column,
      values: text
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    }));
    const bounded = (barFilters ?? []).flatMap((f) =>
      f.type !== 'category' && bounds[f.column] ? boundsQuery(f.column, f.type, bounds[f.column]) : [],
    );
    return [...asQuery([...fromBar, ...crossFilters]), ...bounded];
  }, [typed, bounds, barFilters, crossFilters]);

  // The sizes of the page's charts on the last visit: the answer then carries them drawn as
  // pictures, shown while the interactive charts are built. Filtered pages draw live: their
  // charts are already built (a cross-filter) and their pictures would be drawn for nothing.
  const rememberedSizes = useMemo(() => rememberedChartSizes(key, id, pageIndex + 1), [key, id, pageIndex]);
  // Every tile's data of the page in one request; a tile added while editing fetches its own.
  const pageData = useApi<DashboardData>(projectApi(key, 'dashboards', id, 'data'), {
    page: pageIndex + 1,
    filters,
    sizes: filters.length ? undefined : rememberedSizes,
  });
  const reloadPage = pageData.reload;
  useEffect(() => {
    if (tick) reloadPage();
  }, [tick, reloadPage]);
  const grid = useRef<HTMLDivElement>(null);
  const shownData = pageData.data;
  // The sizes the server knows from this browser for this page: those its data request sent.
  const toldSizes = useRef(rememberedSizes);
  useEffect(() => {
    toldSizes.current = rememberedSizes;
  }, [rememberedSizes]);
  const unfiltered = filters.length === 0;
  useEffect(() => {
    if (!shownData || editing) return;
    // Measured when the browser has nothing else to do: never on the way to the first paint.
    const measure = () => {
      if (!grid.current) return;
      const sizes = rememberChartSizes(grid.current, key, id, pageIndex + 1);
      // Drawn live at sizes the server did not know (a first visit, a resized window): it draws
      // their pictures now, so that the next visit shows them at once. Shared viewers draw live.
      if (!sizes || sizes === toldSizes.current || !unfiltered || shared) return;
      toldSizes.current = sizes;
      api.post(projectApi(key, 'dashboards', id, 'sizes'), { page: pageIndex + 1, sizes }).catch(() => undefined);
    };
    const idle = requestIdleCallback(measure, { timeout: 2000 });
    return () => cancelIdleCallback(idle);
  }, [shownData, editing, key, id, pageIndex, unfiltered, shared]);

  const draft: Dashboard | null = edited ?? stored.data ?? null;
  if (stored.error) return <PageError error={stored.error} onRetry={stored.reload} />;
  // The dashboard answers but the project's insights do not: shared with a non-member.
  const notFound = projectInsights.error instanceof ApiError && projectInsights.error.status === 404;
  if (!shared && stored.data && notFound) return <Navigate replace to={sharedDashboardPath(key, id)} />;
  if (insights.error) return <PageError error={insights.error} />;
  if (!draft || !insights.data) return <Loading />;
  const byId = new Map(insights.data.map((i) => [i.id, i]));
  const page = draft.pages[Math.min(pageIndex, draft.pages.length - 1)];
  const rows = Math.max(8, ...page.tiles.map((t) => t.y + t.h));

  const setTiles = (tiles: DashboardTile[]) =>
    setDraft({ ...draft, pages: draft.pages.map((p, i) => (i === pageIndex ? { ...p, tiles } : p)) });
  // A moved or resized tile pushes the tiles it lands on down: tiles never overlap.
  const moveTile = (at: number, tile: DashboardTile) => setTiles(placeTile(page.tiles, at, tile));

  async function save() {
    if (!draft) return;
    try {
      const {
        id: dashboardId,
        name,
        description,
        pages,
        filters: dashboardFilters,
        refreshSeconds: refresh,
        sharing,
      } = draft;
      const saved = await api.put<DashboardInfo>(projectApi(key, 'dashboards', id), {
        id: dashboardId,
        name,
        description,
        pages,
        filters: dashboardFilters,
        refreshSeconds: refresh,
        sharing,
      });
      setNotice(`Saved revision ${saved.revision}.`);
      setEditing(false);
      setDraft(null);
      stored.reload();
    } catch (e) {
      setError(e);
    }
  }
  /** Changes only who it is shared with: the stored dashboard, not an unsaved layout. */
  async function share(sharing: ObjectShare[]) {
    if (!stored.data) return;
    const { name, description, pages, filters: dashboardFilters, refreshSeconds: refresh, revision } = stored.data;
    await api.put<DashboardInfo>(projectApi(key, 'dashboards', id), {
      id,
      name,
      description,
      pages,
      filters: dashboardFilters,
      refreshSeconds: refresh,
      revision,
      sharing,
    });
    setNotice(sharing.length ? `Shared with ${sharing.map((s) => s.with).join(', ')}.` : 'Shared with no one.');
    stored.reload();
  }
  async function remove() {
    const ok = await confirm.ask({
      title: `Delete the dashboard ${draft?.name ?? id}?`,
      body: 'Its insights stay, and so does its history.',
      confirm: 'Delete dashboard',
      danger: true,
    });
    if (!ok) return;
    try {
      await api.del(projectApi(key, 'dashboards', id));
      void navigate(projectPath(key, 'dashboards'));
    } catch (e) {
      setError(e);
    }
  }
  const exportUrl = (format: 'png' | 'pdf') =>
    projectApi(key, 'dashboards', id, 'export') + queryString({ format, page: pageIndex + 1, filters });

  return (
    <div className="stack dashboard-page" ref={root}>
      {confirm.dialog}
      <PageHeader
        title={draft.name}
        breadcrumbs={
          shared ? (
            <Link to="/shared">Shared with me</Link>
          ) : (
            <Link to={projectPath(key, 'dashboards')}>Dashboards</Link>
          )
        }
        subtitle={shared ? `Shared with you from project ${key}: you can view it and use its filters.` : undefined}
        actions={
          <>
            <label className="inline-field">
              <span>Auto-refresh</span>
              <select value={refreshSeconds} onChange={(e) => setRefreshSeconds(Number(e.target.value))}>
                {REFRESH_CHOICES.map((s) => (
                  <option key={s} value={s}>
                    {s === 0 ? 'off' : s < 60 ? `${s} s` : `${s / 60} min`}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" className="btn" onClick={() => void root.current?.requestFullscreen?.()}>
              Full screen
            </button>
            {shared ? null : (
              <>
                <DownloadLink can={exporting} className="btn" href={exportUrl('png')}>
                  PNG
                </DownloadLink>
                <DownloadLink can={exporting} className="btn" href={exportUrl('pdf')}>
                  PDF
                </DownloadLink>
              </>
            )}
            {!shared && reader && !editing && stored.data ? (
              <ShareButton what="dashboard" sharing={stored.data.sharing} save={share} canChange={managing} />
            ) : null}
            {canEdit && !editing ? (
              <ActionButton
                can={
                  stacked
                    ? {
                        ok: false,
                        reason: 'Edit the layout on a wider screen: on a phone the tiles stack one under the other.',
                      }
                    : { ok: true, reason: undefined }
                }
                className="btn"
                onClick={() => setEditing(true)}
              >
                Edit layout
              </ActionButton>
            ) : null}
            {canEdit && editing ? (
              <>
                <button type="button" className="btn danger" onClick={() => void remove()}>
                  Delete
                </button>
                <button type="button" className="btn primary" onClick={() => void save()}>
                  Save
                </button>
              </>
            ) : null}
          </>
        }
      />
      <Notice text={notice} />
      {error ? <ErrorAlert error={error} /> : null}
      {draft.pages.length > 1 ? (
        <nav className="tabs" aria-label="Dashboard pages">
          {draft.pages.map((p, i) => (
            <button key={i} type="button" className={i === pageIndex ? 'active' : ''} onClick={() => setPageIndex(i)}>
              {p.title}
            </button>
          ))}
        </nav>
      ) : null}
      {draft.filters.length || crossFilters.length ? (
        <div className="row wrap filter-bar" role="group" aria-label="Dashboard filters">
          {draft.filters.map((f) =>
            f.type === 'category' ? (
              <label key={f.column} className="inline-field">
                <span>{f.label ?? f.column}</span>
                <input
                  value={typed[f.column] ?? ''}
                  placeholder="any (a, b, …)"
                  onChange={(e) => setTyped((t) => ({ ...t, [f.column]: e.target.value }))}
                />
              </label>
            ) : (
              <BoundsFilter
                key={f.column}
                label={f.label ?? f.column}
                type={f.type}
                value={bounds[f.column] ?? { from: '', to: '' }}
                onChange={(v) => setBounds((b) => ({ ...b, [f.column]: v }))}
              />
            ),
          )}
          {crossFilters.map((f, i) => (
            <button
              key={`${f.column}-${i}`}
              type="button"
              className="badge"
              title="Remove this filter"
              onClick={() => setCrossFilters((c) => c.filter((_, j) => j !== i))}
            >
              {describeFilter(f)} ✕
            </button>
          ))}
        </div>
      ) : null}
      {arranging ? (
        <div className="row">
          <TilePicker
            projectKey={key}
            insights={insights.data}
            rowPx={ROW_PX}
            onAdd={(insight, h) => setTiles([...page.tiles, { insight, x: 0, y: rows, w: 8, h }])}
            onCreated={projectInsights.reload}
            onError={setError}
          />
          <Link className="btn" to={projectPath(key, 'insights', 'new')}>
            New insight
          </Link>
        </div>
      ) : null}
      <div
        className={`dashboard-grid${arranging ? ' editing' : ''}${stacked ? ' stacked' : ''}`}
        style={stacked ? undefined : { gridTemplateRows: `repeat(${rows}, ${ROW_PX}px)` }}
        data-testid="dashboard-grid"
        ref={grid}
      >
        {(stacked ? stackedTiles(page.tiles) : page.tiles.map((tile, at) => ({ tile, at }))).map(({ tile, at: i }) => {
          const insight = byId.get(tile.insight);
          return (
            <Tile
              key={`${pageIndex}-${i}-${tile.insight}`}
              tile={tile}
              title={tile.title ?? insight?.name ?? tile.insight}
              editing={arranging}
              stacked={stacked}
              onChange={(t) => moveTile(i, t)}
              onRemove={() => setTiles(page.tiles.filter((_, j) => j !== i))}
            >
              {insight ? (
                <TileData
                  projectKey={key}
                  dashboard={shared ? id : undefined}
                  insight={insight}
                  filters={filters}
                  tick={tick}
                  page={pageData}
                  onSelect={(column, value) =>
                    setCrossFilters((c) => [
                      ...c.filter((f) => f.column !== column),
                      { column, values: [String(value)] },
                    ])
                  }
                  onSelectRange={(column, range) =>
                    setCrossFilters((c) => [...c.filter((f) => f.column !== column), { column, values: [], range }])
                  }
                />
              ) : (
                <p className="muted">Insight {tile.insight} no longer exists.</p>
              )}
            </Tile>
          );
        })}
      </div>
      {arranging || shared ? null : (
        <>
          <TagsEditor projectKey={key} kind="dashboard" name={id} />
          <DiscussionsPanel projectKey={key} object={`dashboard:${id}`} />
        </>
      )}
    </div>
  );
}

/** A tile placed on the grid; in edit mode its title bar moves it and its corner resizes it. */
function Tile({
  tile,
  title,
  editing,
  stacked,
  onChange,
  onRemove,
  children,
}: {
  tile: DashboardTile;
  title: string;
  editing: boolean;
  /** One under the other, full width (a phone): no grid position, a height of its own. */
  stacked: boolean;
  onChange: (tile: DashboardTile) => void;
  onRemove: () => void;
  children: React.ReactNode;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const body = useRef<HTMLDivElement>(null);
  useFocusableWhenScrolling(body);
  const drag = (mode: 'move' | 'resize') => (e: React.PointerEvent) => {
    if (!editing || !ref.current?.parentElement) return;
    e.preventDefault();
    const grid = ref.current.parentElement.getBoundingClientRect();
    const cell = (grid.width + GAP) / COLUMNS;
    const start = { x: e.clientX, y: e.clientY, tile };
    const target = e.currentTarget as HTMLElement;
    target.setPointerCapture(e.pointerId);
    const onMove = (m: PointerEvent) => {
      const dx = Math.round((m.clientX - start.x) / cell);
      const dy = Math.round((m.clientY - start.y) / (ROW_PX + GAP));
      const t = start.tile;
      if (mode === 'move')
        onChange({ ...t, x: Math.max(0, Math.min(COLUMNS - t.w, t.x + dx)), y: Math.max(0, t.y + dy) });
      else onChange({ ...t, w: Math.max(1, Math.min(COLUMNS - t.x, t.w + dx)), h: Math.max(1, t.h + dy) });
    };
    const onUp = () => {
      target.removeEventListener('pointermove', onMove);
      target.removeEventListener('pointerup', onUp);
    };
    target.addEventListener('pointermove', onMove);
    target.addEventListener('pointerup', onUp);
  };
  return (
    <section
      ref={ref}
      className="card dashboard-tile"
      aria-label={title}
      data-insight={tile.insight}
      style={
        stacked
          ? { height: stackedTileHeight(tile, ROW_PX, GAP) }
          : { gridColumn: `${tile.x + 1} / span ${tile.w}`, gridRow: `${tile.y + 1} / span ${tile.h}` }
      }
    >
      <header className={`tile-header${editing ? ' drag-handle' : ''}`} onPointerDown={drag('move')}>
        <h2 title={title}>{title}</h2>
        {editing ? (
          <button type="button" className="btn small" onPointerDown={(e) => e.stopPropagation()} onClick={onRemove}>
            Remove
          </button>
        ) : null}
      </header>
      <div className="tile-body" ref={body}>
        {children}
      </div>
      {editing ? <div className="resize-handle" aria-label="Resize" onPointerDown={drag('resize')} /> : null}
    </section>
  );
}

function TileData({
  projectKey,
  dashboard,
  insight,
  filters,
  tick,
  page,
  onSelect,
  onSelectRange,
}: {
  projectKey: string;
  /** Read as a tile of this dashboard: what a viewer it is shared with may read. */
  dashboard: string | undefined;
  insight: InsightInfo;
  filters: string[];
  tick: number;
  /** The data of the page's tiles, fetched once for all of them. */
  page: ApiState<DashboardData>;
  onSelect: (column: string, value: unknown) => void;
  onSelectRange: (column: string, range: SelectedRange) => void;
}) {
  const drawsData = insight.type !== 'text' && insight.type !== 'webapp';
  const batched = page.data?.tiles[insight.id];
  // Not in the page's answer once it has come (a tile just added while editing): its own request.
  const own = useApi<InsightData>(
    drawsData && !batched && !page.loading && page.data ? projectApi(projectKey, 'insights', insight.id, 'data') : null,
    { filters, dashboard },
  );
  const { reload } = own;
  useEffect(() => {
    if (tick) reload();
  }, [tick, reload]);
  const error =
    batched && 'error' in batched
      ? new ApiError(batched.error.status, batched.error.code, batched.error.message)
      : (page.error ?? own.error);
  if (error) return <ErrorAlert error={error} onRetry={batched || page.error ? page.reload : own.reload} />;
  const data = batched && !('error' in batched) ? batched : own.data;
  if (drawsData && !data) return <Loading />;
  // The server's picture of the chart goes with the page's answer it was drawn from.
  const picture = batched && data === batched ? page.data?.pictures?.[insight.id] : undefined;
  return (
    <InsightView
      insight={insight}
      data={data}
      picture={picture}
      onSelect={onSelect}
      onSelectRange={onSelectRange}
      asTile
    />
  );
}

/**
 * A `range` filter (numbers) or `date` filter (days) of the bar: a from and a to, either may be
 * left empty; both ends are included (a date's whole day).
 */
function BoundsFilter({
  label,
  type,
  value,
  onChange,
}: {
  label: string;
  type: 'range' | 'date';
  value: TypedBounds;
  onChange: (value: TypedBounds) => void;
}) {
  const input = type === 'date' ? 'date' : 'number';
  return (
    <fieldset className="inline-field bounds-filter">
      <legend>{label}</legend>
      <label>
        <span>from</span>
        <input type={input} value={value.from} onChange={(e) => onChange({ ...value, from: e.target.value })} />
      </label>
      <label>
        <span>to</span>
        <input type={input} value={value.to} onChange={(e) => onChange({ ...value, to: e.target.value })} />
      </label>
    </fieldset>
  );
}

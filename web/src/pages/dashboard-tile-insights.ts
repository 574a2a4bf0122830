import { useEffect, useState } from 'react';
import { api, ApiError, projectApi } from '../api/client';
import type { Dashboard, InsightInfo } from '../api/types';

/**
 * The insights of a dashboard's tiles, each read as a tile of that dashboard (`?dashboard=ID`):
 * what a viewer the dashboard is shared with may read, since the project's list of insights is
 * closed to them. A tile whose insight is gone is left out (the page says so). `key` null: none.
 */
export function useTileInsights(
  key: string | null,
  dashboardId: string,
  dashboard: Dashboard | undefined,
): { data: InsightInfo[] | undefined; error: unknown } {
  const ids = [...new Set((dashboard?.pages ?? []).flatMap((p) => p.tiles.map((t) => t.insight)))].sort();
  const wanted = key === null || !dashboard ? null : ids.join('\n');
  const [state, setState] = useState<{ for: string | null; data?: InsightInfo[]; error: unknown }>({
    for: null,
    error: null,
  });
  useEffect(() => {
    if (key === null || wanted === null) return;
    const controller = new AbortController();
    const one = (id: string) =>
      api
        .get<InsightInfo>(projectApi(key, 'insights', id), { dashboard: dashboardId }, controller.signal)
        .catch((e: unknown) => {
          if (e instanceof ApiError && e.status === 404) return null;
          throw e;
        });
    Promise.all(wanted ? wanted.split('\n').map(one) : [])
      .then((found) => setState({ for: wanted, data: found.filter((i) => i !== null), error: null }))
      .catch((e: unknown) => {
        if ((e as Error).name !== 'AbortError') setState({ for: wanted, error: e });
      });
    return () => controller.abort();
  }, [key, dashboardId, wanted]);
  return state.for === wanted ? { data: state.data, error: state.error } : { data: undefined, error: null };
}

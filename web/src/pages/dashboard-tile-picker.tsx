import { api, projectApi } from '../api/client';
import type { InsightInfo, WebappInfo } from '../api/types';
import { useApi } from '../lib/use-api';

/** The default height of an embedded webapp, in pixels. */
const WEBAPP_HEIGHT = 400;

/**
 * "Add tile": any insight of the project, or a webapp — picking a webapp reuses its `webapp`
 * insight or creates one (named after the app), so the tile is an insight like every other.
 */
export function TilePicker({
  projectKey,
  insights,
  rowPx,
  onAdd,
  onCreated,
  onError,
}: {
  projectKey: string;
  insights: InsightInfo[];
  rowPx: number;
  onAdd: (insight: string, h: number) => void;
  onCreated: () => void;
  onError: (error: unknown) => void;
}) {
  const webapps = useApi<WebappInfo[]>(projectApi(projectKey, 'webapps'));
  const rowsFor = (height?: number) => Math.max(2, Math.ceil((height ?? WEBAPP_HEIGHT) / rowPx) + 1);

  async function addWebapp(app: WebappInfo) {
    const existing = insights.find((i) => i.type === 'webapp' && i.webapp === app.id);
    if (existing) return onAdd(existing.id, rowsFor(existing.height));
    try {
      const created = await api.post<InsightInfo>(projectApi(projectKey, 'insights'), {
        id: `webapp_${app.id}`.slice(0, 128),
        name: app.name,
        type: 'webapp',
        webapp: app.id,
      });
      onCreated();
      onAdd(created.id, rowsFor());
    } catch (error) {
      onError(error);
    }
  }

  return (
    <label className="inline-field">
      <span>Add tile</span>
      <select
        value=""
        onChange={(e) => {
          const value = e.target.value;
          // Insight ids never hold a ':' (letters, digits and _), so `webapp:` cannot be one.
          if (value && !value.startsWith('webapp:')) onAdd(value, 6);
          const app = webapps.data?.find((w) => `webapp:${w.id}` === value);
          if (app) void addWebapp(app);
        }}
      >
        <option value="">insight or webapp…</option>
        <optgroup label="Insights">
          {insights.map((i) => (
            <option key={i.id} value={i.id}>
              {i.name}
            </option>
          ))}
        </optgroup>
        {webapps.data?.length ? (
          <optgroup label="Webapps">
            {webapps.data.map((w) => (
              <option key={w.id} value={`webapp:${w.id}`}>
                {w.name} (webapp)
              </option>
            ))}
          </optgroup>
        ) : null}
      </select>
    </label>
  );
}

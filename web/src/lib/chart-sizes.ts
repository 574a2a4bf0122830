/**
 * The size each chart of a dashboard page was drawn at on this browser's last visit, kept in
 * localStorage: the page's data request sends it, so that the server draws each chart at that
 * size as a picture shown before the interactive chart is built (echart.tsx). A size that no
 * longer fits (the window was resized) only costs that picture: the chart is drawn live.
 */
const PREFIX = 'llano.chartSizes:';

const storageKey = (projectKey: string, dashboard: string, page: number) =>
  `${PREFIX}${projectKey}/${dashboard}/${page}`;

/** `insight:WIDTHxHEIGHT,…` as the page's data request sends it (`sizes`), or undefined when none is known. */
export function rememberedChartSizes(projectKey: string, dashboard: string, page: number): string | undefined {
  try {
    return localStorage.getItem(storageKey(projectKey, dashboard, page)) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Measures the charts of the page's tiles (`[data-insight]`, one chart each, small multiples
 * included) and keeps their sizes for the next visit; returns them as `rememberedChartSizes` does.
 */
export function rememberChartSizes(
  grid: Element,
  projectKey: string,
  dashboard: string,
  page: number,
): string | undefined {
  const sizes: string[] = [];
  for (const tile of grid.querySelectorAll<HTMLElement>('[data-insight]')) {
    const charts = tile.querySelectorAll<HTMLElement>('.insight-chart');
    if (charts.length !== 1) continue;
    const { clientWidth: width, clientHeight: height } = charts[0];
    if (width && height) sizes.push(`${tile.dataset.insight}:${width}x${height}`);
  }
  try {
    const key = storageKey(projectKey, dashboard, page);
    if (sizes.length) localStorage.setItem(key, sizes.join(','));
    else localStorage.removeItem(key);
  } catch {
    // Storage refused (private mode): the next visit draws its charts live.
  }
  return sizes.length ? sizes.join(',') : undefined;
}

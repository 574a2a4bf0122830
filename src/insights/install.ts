import { registerHistoryKind } from '../flow/history.js';
import type { Workspace } from '../workspace/workspace.js';
import { DASHBOARD_KIND, saveDashboard } from './dashboards-service.js';
import { INSIGHT_KIND, saveInsight } from './insights-service.js';
import { installTileWarmer } from './tile-warmer.js';

/** Insights and dashboards get history and revert, through the same validation as an edit; tiles are computed ahead. */
export function installInsights(ws: Workspace): void {
  registerHistoryKind(ws, INSIGHT_KIND, saveInsight);
  registerHistoryKind(ws, DASHBOARD_KIND, saveDashboard);
  installTileWarmer(ws);
}

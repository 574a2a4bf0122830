import { registerHistoryKind } from '../flow/history.js';
import type { Workspace } from '../workspace/workspace.js';
import { API_SERVICE_KIND, saveApiService } from './services.js';

/** API services get history and revert, through the same validation as an edit. */
export function installApiServices(ws: Workspace): void {
  registerHistoryKind(ws, API_SERVICE_KIND, saveApiService);
}

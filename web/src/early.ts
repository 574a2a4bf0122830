import { dashboardAddress, fetchDashboardEarly } from './lib/early-fetch';

/**
 * The first script of the page (index.html lists it before the app), small enough to run while
 * the app's code still loads: on a dashboard's address it asks for the page's data and code at
 * once. Started from the app instead, they waited for its bundle: on a cold load (nothing in the
 * browser's cache) the requests went out only once 200 KB of it had arrived and run, and then
 * queued behind the dashboard's own chunks for the browser's six connections.
 */
fetchDashboardEarly(window.location.pathname);
// Fetched and run now; the app's page (app.tsx) takes the same module when it renders.
if (dashboardAddress(window.location.pathname)) import('./pages/dashboard').catch(() => undefined);

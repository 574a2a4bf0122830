import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { AuthProvider, RequireAuth } from './auth';
import { AppShell, PlainBody, ProjectLayout } from './components/layout';
import { EmptyState, Loading, PageHeader } from './components/ui';
import { fetchDashboardEarly } from './lib/early-fetch';
import { LoginPage } from './pages/login';
import { HomePage } from './pages/home';

// Pages with heavy libraries (ECharts, CodeMirror, xyflow + elk) load on first visit.
const ProjectOverviewPage = lazy(() => import('./pages/project-overview'));
const DatasetsPage = lazy(() => import('./pages/datasets'));
const DatasetPage = lazy(() => import('./pages/dataset'));
const FlowPage = lazy(() => import('./pages/flow'));
const RecipesPage = lazy(() => import('./pages/recipes'));
const RecipeEditorPage = lazy(() => import('./pages/recipe-editor'));
const JobsPage = lazy(() => import('./pages/jobs'));
const JobPage = lazy(() => import('./pages/job'));
const ScenariosPage = lazy(() => import('./pages/scenarios'));
const ScenarioPage = lazy(() => import('./pages/scenario'));
const MonitoringPage = lazy(() => import('./pages/monitoring'));
const HistoryPage = lazy(() => import('./pages/history'));
const MembersPage = lazy(() => import('./pages/members'));
const ConnectionsPage = lazy(() => import('./pages/connections'));
const UsersPage = lazy(() => import('./pages/users'));
const GroupsPage = lazy(() => import('./pages/groups'));
const ProjectApiKeysPage = lazy(() => import('./pages/project-api-keys'));
const AccountPage = lazy(() => import('./pages/account'));
const DashboardsPage = lazy(() => import('./pages/dashboards'));
const WebappsPage = lazy(() => import('./pages/webapps'));
const WebappEditorPage = lazy(() => import('./pages/webapp-editor'));
const ApiServicesPage = lazy(() => import('./pages/api-services'));
const ApiServicePage = lazy(() => import('./pages/api-service'));
const loadDashboard = () => import('./pages/dashboard');
// A dashboard opened by its address (a bookmark, a wall screen) fetches its code while the session is checked.
if (/\/(projects|shared)\/[^/]+\/dashboards\/[^/]+\/?$/.test(window.location.pathname)) void loadDashboard();
fetchDashboardEarly(window.location.pathname);
const DashboardPage = lazy(loadDashboard);
const InsightEditorPage = lazy(() => import('./pages/insight-editor'));
const ProjectSettingsPage = lazy(() => import('./pages/project-settings'));
const NotebooksPage = lazy(() => import('./pages/notebooks'));
const LibrariesPage = lazy(() => import('./pages/libraries'));
const NotebookPage = lazy(() => import('./pages/notebook'));
const WikiPage = lazy(() => import('./pages/wiki'));
const DiscussionsPage = lazy(() => import('./pages/discussions'));
const SearchPage = lazy(() => import('./pages/search'));
const NotificationsPage = lazy(() => import('./pages/notifications'));
const TimelinePage = lazy(() => import('./pages/timeline'));
const AuditPage = lazy(() => import('./pages/audit'));

const page = (node: ReactNode) => <Suspense fallback={<Loading />}>{node}</Suspense>;

function NotFound() {
  return (
    <>
      <PageHeader title="Page not found" />
      <EmptyState title="Nothing here">This address does not match any page of Llano.</EmptyState>
    </>
  );
}

export function App() {
  return (
    <BrowserRouter>
      <AuthProvider>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route
            element={
              <RequireAuth>
                <AppShell />
              </RequireAuth>
            }
          >
            <Route element={<PlainBody />}>
              <Route index element={<HomePage />} />
              <Route path="monitoring/:tab?" element={page(<MonitoringPage />)} />
              <Route path="admin/users" element={page(<UsersPage />)} />
              <Route path="admin/groups" element={page(<GroupsPage />)} />
              <Route path="admin/audit" element={page(<AuditPage />)} />
              <Route path="account" element={page(<AccountPage />)} />
              <Route path="search" element={page(<SearchPage />)} />
              <Route path="notifications" element={page(<NotificationsPage />)} />
              {/* A dashboard shared with a non-member: outside the project's layout (see DashboardPage). */}
              <Route path="shared/:key/dashboards/:id" element={page(<DashboardPage shared />)} />
              <Route path="*" element={<NotFound />} />
            </Route>
            <Route path="projects/:key" element={<ProjectLayout />}>
              <Route index element={page(<ProjectOverviewPage />)} />
              <Route path="datasets" element={page(<DatasetsPage />)} />
              <Route path="datasets/:name/:tab?" element={page(<DatasetPage />)} />
              <Route path="recipes" element={page(<RecipesPage />)} />
              <Route path="recipes/:name" element={page(<RecipeEditorPage />)} />
              <Route path="jobs" element={page(<JobsPage />)} />
              <Route path="jobs/:id" element={page(<JobPage />)} />
              <Route path="scenarios" element={page(<ScenariosPage />)} />
              <Route path="scenarios/:name/:tab?" element={page(<ScenarioPage />)} />
              <Route path="history/:kind/:name" element={page(<HistoryPage />)} />
              <Route path="connections" element={page(<ConnectionsPage />)} />
              <Route path="members" element={page(<MembersPage />)} />
              <Route path="api-keys" element={page(<ProjectApiKeysPage />)} />
              <Route path="dashboards" element={page(<DashboardsPage />)} />
              <Route path="api-services" element={page(<ApiServicesPage />)} />
              <Route path="api-services/:id" element={page(<ApiServicePage />)} />
              <Route path="dashboards/:id" element={page(<DashboardPage />)} />
              <Route path="insights/:id" element={page(<InsightEditorPage />)} />
              <Route path="webapps" element={page(<WebappsPage />)} />
              <Route path="webapps/:id" element={page(<WebappEditorPage />)} />
              <Route path="notebooks" element={page(<NotebooksPage />)} />
              <Route path="notebooks/:id" element={page(<NotebookPage />)} />
              <Route path="libraries/:name?" element={page(<LibrariesPage />)} />
              <Route path="settings" element={page(<ProjectSettingsPage />)} />
              <Route path="wiki/*" element={page(<WikiPage />)} />
              <Route path="discussions/:id?" element={page(<DiscussionsPage />)} />
              <Route path="timeline" element={page(<TimelinePage />)} />
              <Route path="*" element={<NotFound />} />
            </Route>
            <Route path="projects/:key/flow" element={<ProjectLayout full />}>
              <Route index element={page(<FlowPage />)} />
            </Route>
          </Route>
        </Routes>
      </AuthProvider>
    </BrowserRouter>
  );
}

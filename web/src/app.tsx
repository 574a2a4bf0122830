import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { AuthProvider, RequireAuth } from './auth';
import { AppShell, PlainBody, ProjectLayout } from './components/layout';
import { EmptyState, PageHeader } from './components/ui';
import { dashboardAddress } from './lib/early-fetch';
import { lazyPage } from './lib/lazy-page';
import { LoginPage } from './pages/login';
import { HomePage } from './pages/home';

// Pages with heavy libraries (ECharts, CodeMirror, xyflow + elk) load on first visit.
const ProjectOverviewPage = lazyPage(() => import('./pages/project-overview'));
const DatasetsPage = lazyPage(() => import('./pages/datasets'));
const DatasetPage = lazyPage(() => import('./pages/dataset'));
const FlowPage = lazyPage(() => import('./pages/flow'));
const RecipesPage = lazyPage(() => import('./pages/recipes'));
const RecipeEditorPage = lazyPage(() => import('./pages/recipe-editor'));
const JobsPage = lazyPage(() => import('./pages/jobs'));
const JobPage = lazyPage(() => import('./pages/job'));
const ScenariosPage = lazyPage(() => import('./pages/scenarios'));
const ScenarioPage = lazyPage(() => import('./pages/scenario'));
const MonitoringPage = lazyPage(() => import('./pages/monitoring'));
const HistoryPage = lazyPage(() => import('./pages/history'));
const MembersPage = lazyPage(() => import('./pages/members'));
const ConnectionsPage = lazyPage(() => import('./pages/connections'));
const UsersPage = lazyPage(() => import('./pages/users'));
const GroupsPage = lazyPage(() => import('./pages/groups'));
const ProjectApiKeysPage = lazyPage(() => import('./pages/project-api-keys'));
const AccountPage = lazyPage(() => import('./pages/account'));
const DashboardsPage = lazyPage(() => import('./pages/dashboards'));
const WebappsPage = lazyPage(() => import('./pages/webapps'));
const WebappEditorPage = lazyPage(() => import('./pages/webapp-editor'));
const ApiServicesPage = lazyPage(() => import('./pages/api-services'));
const ApiServicePage = lazyPage(() => import('./pages/api-service'));
const DashboardPage = lazyPage(() => import('./pages/dashboard'));
// A dashboard opened by its address (its code was asked for by early.ts) renders as soon as the session is known.
if (dashboardAddress(window.location.pathname)) DashboardPage.preload().catch(() => undefined); // the page reports a failure
const InsightEditorPage = lazyPage(() => import('./pages/insight-editor'));
const ProjectSettingsPage = lazyPage(() => import('./pages/project-settings'));
const NotebooksPage = lazyPage(() => import('./pages/notebooks'));
const LibrariesPage = lazyPage(() => import('./pages/libraries'));
const NotebookPage = lazyPage(() => import('./pages/notebook'));
const WikiPage = lazyPage(() => import('./pages/wiki'));
const DiscussionsPage = lazyPage(() => import('./pages/discussions'));
const SearchPage = lazyPage(() => import('./pages/search'));
const NotificationsPage = lazyPage(() => import('./pages/notifications'));
const TimelinePage = lazyPage(() => import('./pages/timeline'));
const AuditPage = lazyPage(() => import('./pages/audit'));
const SharedPage = lazyPage(() => import('./pages/shared'));

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
              <Route path="monitoring/:tab?" element={<MonitoringPage />} />
              <Route path="admin/users" element={<UsersPage />} />
              <Route path="admin/groups" element={<GroupsPage />} />
              <Route path="admin/audit" element={<AuditPage />} />
              <Route path="account" element={<AccountPage />} />
              <Route path="search" element={<SearchPage />} />
              <Route path="notifications" element={<NotificationsPage />} />
              <Route path="shared" element={<SharedPage />} />
              {/* A dashboard shared with a non-member: outside the project's layout (see DashboardPage). */}
              <Route path="shared/:key/dashboards/:id" element={<DashboardPage shared />} />
              <Route path="*" element={<NotFound />} />
            </Route>
            <Route path="projects/:key" element={<ProjectLayout />}>
              <Route index element={<ProjectOverviewPage />} />
              <Route path="datasets" element={<DatasetsPage />} />
              <Route path="datasets/:name/:tab?" element={<DatasetPage />} />
              <Route path="recipes" element={<RecipesPage />} />
              <Route path="recipes/:name" element={<RecipeEditorPage />} />
              <Route path="jobs" element={<JobsPage />} />
              <Route path="jobs/:id" element={<JobPage />} />
              <Route path="scenarios" element={<ScenariosPage />} />
              <Route path="scenarios/:name/:tab?" element={<ScenarioPage />} />
              <Route path="history/:kind/:name" element={<HistoryPage />} />
              <Route path="connections" element={<ConnectionsPage />} />
              <Route path="members" element={<MembersPage />} />
              <Route path="api-keys" element={<ProjectApiKeysPage />} />
              <Route path="dashboards" element={<DashboardsPage />} />
              <Route path="api-services" element={<ApiServicesPage />} />
              <Route path="api-services/:id" element={<ApiServicePage />} />
              <Route path="dashboards/:id" element={<DashboardPage />} />
              <Route path="insights/:id" element={<InsightEditorPage />} />
              <Route path="webapps" element={<WebappsPage />} />
              <Route path="webapps/:id" element={<WebappEditorPage />} />
              <Route path="notebooks" element={<NotebooksPage />} />
              <Route path="notebooks/:id" element={<NotebookPage />} />
              <Route path="libraries/:name?" element={<LibrariesPage />} />
              <Route path="settings" element={<ProjectSettingsPage />} />
              <Route path="wiki/*" element={<WikiPage />} />
              <Route path="discussions/:id?" element={<DiscussionsPage />} />
              <Route path="timeline" element={<TimelinePage />} />
              <Route path="*" element={<NotFound />} />
            </Route>
            <Route path="projects/:key/flow" element={<ProjectLayout full />}>
              <Route index element={<FlowPage />} />
            </Route>
          </Route>
        </Routes>
      </AuthProvider>
    </BrowserRouter>
  );
}

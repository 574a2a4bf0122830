import { Link, NavLink, Outlet, useMatch, useParams } from 'react-router-dom';
import { projectApi } from '../api/client';
import type { Project } from '../api/types';
import { useAuth } from '../auth';
import { useApi } from '../lib/use-api';
import { useDrawer } from '../lib/use-drawer';
import { NotificationBell } from './notification-bell';
import { isPermanent, PageError } from './ui';

/** Header with the global navigation, then the page. */
export function AppShell() {
  const { me, logout } = useAuth();
  // Below ~640 px the main navigation is a menu opened by its button, like the project sidebar.
  const menu = useDrawer();
  return (
    <div className={`app${menu.open ? ' main-menu-open' : ''}`}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand" aria-label="Llano home">
          <span className="brand-mark" aria-hidden="true">
            ◢
          </span>
          <span className="brand-text">Llano</span>
        </Link>
        <MenuToggle drawer={menu} controls="main-nav" label="Menu" className="btn small ghost main-menu-toggle" />
        <nav aria-label="Main" id="main-nav">
          <NavLink to="/" end>
            Projects
          </NavLink>
          <NavLink to="/monitoring">Automation monitoring</NavLink>
          {/* Admins are members of every project: nothing is ever shared with them from outside. */}
          {me && !me.isAdmin ? <NavLink to="/shared">Shared with me</NavLink> : null}
          {me?.isAdmin ? <NavLink to="/admin/users">Users</NavLink> : null}
          {me?.isAdmin ? <NavLink to="/admin/groups">Groups</NavLink> : null}
          {me?.isAdmin ? <NavLink to="/admin/audit">Audit log</NavLink> : null}
          <NavLink to="/account">API keys</NavLink>
        </nav>
        <div className="spacer" />
        <NotificationBell />
        <div className="user">
          <span title={me?.email ?? undefined}>{me?.displayName || me?.username}</span>
          <button type="button" className="btn small" onClick={() => void logout()}>
            Log out
          </button>
        </div>
      </header>
      {menu.open ? (
        <div className="drawer-backdrop main-menu-backdrop" aria-hidden="true" onClick={menu.close} />
      ) : null}
      <Outlet />
    </div>
  );
}

/** The button that opens and closes a navigation drawer (`controls`: the drawer's id). */
function MenuToggle({
  drawer,
  controls,
  label,
  className,
}: {
  drawer: ReturnType<typeof useDrawer>;
  controls: string;
  label: string;
  className: string;
}) {
  return (
    <button
      type="button"
      className={className}
      aria-expanded={drawer.open}
      aria-controls={controls}
      onClick={drawer.toggle}
    >
      <span aria-hidden="true">☰</span> {label}
    </button>
  );
}

/** A page without the project sidebar. */
export function PlainBody() {
  return (
    <div className="body plain">
      <main id="main" className="content" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}

const PROJECT_NAV: { to: string; label: string; icon: string; end?: boolean }[] = [
  { to: '', label: 'Overview', icon: '◉', end: true },
  { to: 'flow', label: 'Flow', icon: '⇶' },
  { to: 'datasets', label: 'Datasets', icon: '▦' },
  { to: 'recipes', label: 'Recipes', icon: '⚙' },
  { to: 'jobs', label: 'Jobs', icon: '▶' },
  { to: 'scenarios', label: 'Scenarios', icon: '⟳' },
  { to: 'dashboards', label: 'Dashboards', icon: '▥' },
  { to: 'webapps', label: 'Webapps', icon: '◫' },
  { to: 'notebooks', label: 'Notebooks', icon: '✎' },
  { to: 'libraries', label: 'Library files', icon: '❏' },
  { to: 'wiki', label: 'Wiki', icon: '❡' },
  { to: 'discussions', label: 'Discussions', icon: '✉' },
  { to: 'api-services', label: 'API services', icon: '⇄' },
  { to: 'connections', label: 'Connections', icon: '⛁' },
  { to: 'members', label: 'Members', icon: '☺' },
  { to: 'api-keys', label: 'API keys', icon: '⚷' },
  { to: 'timeline', label: 'Timeline', icon: '☰' },
  { to: 'settings', label: 'Settings', icon: '⚒' },
];

/** Project pages: the sidebar and the page. Pages that need the whole area set `full`. */
export function ProjectLayout({ full = false }: { full?: boolean }) {
  const { key = '' } = useParams();
  const project = useApi<Project>(projectApi(key));
  // Below ~800 px the sidebar is a drawer opened by the menu button of the project bar.
  const drawer = useDrawer();
  // A dashboard shared with a non-member answers though its project does not: its page sends them on.
  const dashboard = useMatch('/projects/:key/dashboards/:id');
  if (project.error && !project.data && isPermanent(project.error))
    return (
      <div className="body plain">
        <main id="main" className="content" tabIndex={-1}>
          {/* No project menu: its sections are not for this user, or the project is not there. */}
          {dashboard ? (
            <Outlet />
          ) : (
            <PageError error={project.error} title={`Project ${key}`} back={{ to: '/', label: 'All projects' }} />
          )}
        </main>
      </div>
    );
  return (
    <div className={`body project${drawer.open ? ' nav-open' : ''}`}>
      <nav className="project-bar" aria-label="Project menu">
        <MenuToggle drawer={drawer} controls="project-sidebar" label="Project menu" className="btn small" />
        <span className="project-bar-title">{project.data?.name ?? key}</span>
      </nav>
      {drawer.open ? <div className="drawer-backdrop" aria-hidden="true" onClick={drawer.close} /> : null}
      <aside id="project-sidebar" className="sidebar" aria-label="Project">
        <div className="project-title">
          <div className="key">{key}</div>
          <div className="name">{project.data?.name ?? ' '}</div>
        </div>
        <nav aria-label="Project sections">
          {PROJECT_NAV.map((n) => (
            <NavLink
              key={n.to}
              to={`/projects/${encodeURIComponent(key)}${n.to ? '/' + n.to : ''}`}
              end={n.end}
              className={({ isActive }) => (isActive ? 'active' : '')}
            >
              <span className="icon" aria-hidden="true">
                {n.icon}
              </span>
              {n.label}
            </NavLink>
          ))}
        </nav>
      </aside>
      <main id="main" className={`content${full ? ' full' : ''}`} tabIndex={-1}>
        {/* The project (with the caller's role) for the pages below, so they need not fetch it again. */}
        <Outlet context={project.data} />
      </main>
    </div>
  );
}

export function projectPath(key: string, ...rest: string[]): string {
  return ['/projects', key, ...rest].map((s, i) => (i === 0 ? s : encodeURIComponent(s))).join('/');
}

import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, projectApi } from '../api/client';
import type { DashboardInfo, InsightInfo } from '../api/types';
import { projectPath } from '../components/layout';
import { NewObjectDialog } from '../components/new-object-dialog';
import { CardSection, EmptyState, ErrorAlert, Loading, PageHeader } from '../components/ui';
import { formatRelative } from '../lib/format';
import { useApi } from '../lib/use-api';
import { useRight } from '../lib/use-can';

/** Dashboards and insights of a project; writers create them here. */
export default function DashboardsPage() {
  const { key = '' } = useParams();
  const navigate = useNavigate();
  const canEdit = useRight('manage-dashboards').ok;
  const dashboards = useApi<DashboardInfo[]>(projectApi(key, 'dashboards'));
  const insights = useApi<InsightInfo[]>(projectApi(key, 'insights'));
  const [creating, setCreating] = useState(false);

  async function create(id: string, name: string) {
    await api.post(projectApi(key, 'dashboards'), { id, name, pages: [{ title: 'Page 1', tiles: [] }], filters: [] });
    void navigate(projectPath(key, 'dashboards', id));
  }

  return (
    <div className="stack">
      <PageHeader
        title="Dashboards"
        actions={
          canEdit ? (
            <>
              <Link className="btn" to={projectPath(key, 'insights', 'new')}>
                New insight
              </Link>
              <button type="button" className="btn primary" onClick={() => setCreating(true)}>
                New dashboard
              </button>
            </>
          ) : null
        }
      />
      <CardSection title="Dashboards">
        {dashboards.error ? <ErrorAlert error={dashboards.error} onRetry={dashboards.reload} /> : null}
        {!dashboards.data ? (
          <Loading />
        ) : dashboards.data.length === 0 ? (
          <EmptyState title="No dashboards">Put charts, KPIs, checks and notes of this project on one page.</EmptyState>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Dashboard</th>
                <th>Pages</th>
                <th>Tiles</th>
                <th>Changed</th>
              </tr>
            </thead>
            <tbody>
              {dashboards.data.map((d) => (
                <tr key={d.id}>
                  <td>
                    <Link to={projectPath(key, 'dashboards', d.id)}>{d.name}</Link>
                  </td>
                  <td className="num">{d.pages.length}</td>
                  <td className="num">{d.pages.reduce((n, p) => n + p.tiles.length, 0)}</td>
                  <td className="muted small">{formatRelative(d.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </CardSection>
      <CardSection title="Insights">
        {!insights.data ? (
          <Loading />
        ) : insights.data.length === 0 ? (
          <EmptyState title="No insights">Build a chart on a dataset to start.</EmptyState>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Insight</th>
                <th>Type</th>
                <th>Dataset</th>
              </tr>
            </thead>
            <tbody>
              {insights.data.map((i) => (
                <tr key={i.id}>
                  <td>
                    <Link to={projectPath(key, 'insights', i.id)}>{i.name}</Link>
                  </td>
                  <td className="muted">{i.type === 'chart' ? `${i.chart?.kind} chart` : i.type}</td>
                  <td className="muted">{i.dataset ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </CardSection>
      <NewObjectDialog
        open={creating}
        title="New dashboard"
        placeholders={{ id: 'shift_report', name: 'Shift report' }}
        onClose={() => setCreating(false)}
        create={create}
      />
    </div>
  );
}

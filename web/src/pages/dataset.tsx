import { lazy, Suspense, useState } from 'react';
import { DiscussionsPanel } from '../components/discussions-panel';
import { TagsEditor } from '../components/tags-editor';
import { Link, useParams } from 'react-router-dom';
import { projectApi } from '../api/client';
import type { Dataset } from '../api/types';
import { ActionButton, ActionLink } from '../components/can';
import { DeleteObjectButton } from '../components/delete-object';
import { DownloadMenu } from '../components/download-menu';
import { projectPath } from '../components/layout';
import { ObjectHistory } from '../components/object-history';
import { UploadDialog } from '../components/upload-dialog';
import { ErrorAlert, isPermanent, LinkTabs, Loading, PageHeader } from '../components/ui';
import { formatCount, formatRelative } from '../lib/format';
import { useApi } from '../lib/use-api';
import { useCan } from '../lib/use-can';
import { DataTab } from './dataset/data-tab';
import { PartitionsTab } from './dataset/partitions-tab';
import { SchemaTab } from './dataset/schema-tab';
import { VersionsTab } from './dataset/versions-tab';

// Charts (ECharts) load only with the tabs that draw them, so the rows come first.
const StatsTab = lazy(() => import('../components/dataset-stats'));
const QualityPanel = lazy(() => import('../components/quality-panel'));
const ChartsTab = lazy(() => import('./dataset/charts-tab'));

const TABS = [
  'data',
  'schema',
  'stats',
  'charts',
  'versions',
  'partitions',
  'quality',
  'history',
  'discussion',
] as const;
type Tab = (typeof TABS)[number];
const TAB_LABELS: Record<Tab, string> = {
  data: 'Data',
  schema: 'Schema',
  stats: 'Statistics',
  charts: 'Charts',
  versions: 'Versions',
  partitions: 'Partitions',
  quality: 'Metrics & checks',
  history: 'History',
  discussion: 'Tags & discussions',
};

export default function DatasetPage() {
  const { key = '', name = '', tab: rawTab } = useParams();
  const tab = (TABS as readonly string[]).includes(rawTab ?? 'data') ? ((rawTab ?? 'data') as Tab) : 'data';
  const dataset = useApi<Dataset>(projectApi(key, 'datasets', name));
  const [uploading, setUploading] = useState(false);
  const canWrite = useCan('write');
  const base = projectPath(key, 'datasets', name);
  const d = dataset.data;

  if (dataset.error && !d && isPermanent(dataset.error)) {
    return (
      <>
        <PageHeader
          title={name}
          breadcrumbs={
            <>
              <Link to={projectPath(key)}>{key}</Link> / <Link to={projectPath(key, 'datasets')}>Datasets</Link>
            </>
          }
        />
        <ErrorAlert error={dataset.error} back={{ to: projectPath(key, 'datasets'), label: 'All datasets' }} />
      </>
    );
  }

  return (
    <div className={`stack gap-0${tab === 'data' ? ' fill' : ''}`}>
      <PageHeader
        title={name}
        breadcrumbs={
          <>
            <Link to={projectPath(key)}>{key}</Link> / <Link to={projectPath(key, 'datasets')}>Datasets</Link>
          </>
        }
        subtitle={
          d ? (
            <>
              {formatCount(d.rowCount)} rows · {d.columns?.length ?? 0} columns · {d.storage.type}
              {d.producedBy ? (
                <>
                  {' '}
                  · written by <Link to={projectPath(key, 'recipes', d.producedBy)}>{d.producedBy}</Link>
                </>
              ) : null}
              {d.currentVersion ? (
                <>
                  {' '}
                  · version {d.currentVersion.seq} from {formatRelative(d.currentVersion.createdAt)}
                </>
              ) : (
                <> · no data yet</>
              )}
            </>
          ) : null
        }
        actions={
          <>
            <DownloadMenu href={projectApi(key, 'datasets', name, 'data')} />
            {d && d.storage.type === 'managed' && !d.producedBy ? (
              <ActionButton can={canWrite} className="btn" onClick={() => setUploading(true)}>
                Upload new version
              </ActionButton>
            ) : null}
            <ActionLink
              can={canWrite}
              className="btn primary"
              to={projectPath(key, 'recipes', 'new') + `?input=${encodeURIComponent(name)}`}
            >
              New SQL recipe
            </ActionLink>
            <DeleteObjectButton projectKey={key} kind="dataset" name={name} />
          </>
        }
      />
      <LinkTabs
        label="Dataset sections"
        tabs={TABS.map((t) => ({ to: t === 'data' ? base : `${base}/${t}`, label: TAB_LABELS[t] }))}
      />
      {dataset.error ? <ErrorAlert error={dataset.error} onRetry={dataset.reload} /> : null}
      {tab === 'data' ? <DataTab projectKey={key} name={name} dataset={d} /> : null}
      {tab === 'schema' ? d ? <SchemaTab dataset={d} /> : <Loading /> : null}
      {tab === 'stats' ? (
        <Suspense fallback={<Loading />}>
          <StatsTab projectKey={key} name={name} />
        </Suspense>
      ) : null}
      {tab === 'charts' ? (
        <Suspense fallback={<Loading />}>
          <ChartsTab projectKey={key} dataset={name} />
        </Suspense>
      ) : null}
      {tab === 'versions' ? <VersionsTab projectKey={key} name={name} /> : null}
      {tab === 'partitions' ? <PartitionsTab projectKey={key} name={name} dataset={d} /> : null}
      {tab === 'quality' ? (
        <Suspense fallback={<Loading />}>
          <QualityPanel projectKey={key} dataset={name} columns={d?.columns ?? []} />
        </Suspense>
      ) : null}
      {tab === 'history' ? (
        <ObjectHistory projectKey={key} kind="dataset" name={name} onReverted={dataset.reload} />
      ) : null}
      {tab === 'discussion' ? (
        <>
          <TagsEditor projectKey={key} kind="dataset" name={name} />
          <DiscussionsPanel projectKey={key} object={`dataset:${name}`} />
        </>
      ) : null}
      <UploadDialog
        projectKey={key}
        fixedName={name}
        open={uploading}
        onClose={() => setUploading(false)}
        onDone={() => {
          setUploading(false);
          dataset.reload();
          window.location.reload();
        }}
      />
    </div>
  );
}

import { Link, useParams, useSearchParams } from 'react-router-dom';
import { projectApi } from '../api/client';
import type { Discussion } from '../api/collab-types';
import { DiscussionList, DiscussionThreadView } from '../components/discussions-panel';
import { projectPath } from '../components/layout';
import { Async, CardSection, PageHeader } from '../components/ui';
import { useApi } from '../lib/use-api';

/** Every discussion of the project (open or closed), and one thread when its id is in the URL. */
export default function DiscussionsPage() {
  const { key = '', id } = useParams();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? '';
  const list = useApi<Discussion[]>(projectApi(key, 'discussions'), { status });
  return (
    <div className="stack">
      <PageHeader
        title="Discussions"
        subtitle="Threads on the project's datasets, recipes, dashboards and wiki pages; start one from an object's page"
        breadcrumbs={<Link to={projectPath(key)}>{key}</Link>}
      />
      {id ? (
        <CardSection title="Discussion">
          <DiscussionThreadView projectKey={key} id={id} onChanged={list.reload} />
        </CardSection>
      ) : null}
      <CardSection
        title="All discussions"
        extra={
          <select
            aria-label="Status"
            value={status}
            onChange={(e) => setParams(e.target.value ? { status: e.target.value } : {})}
          >
            <option value="">Open and closed</option>
            <option value="open">Open</option>
            <option value="closed">Closed</option>
          </select>
        }
      >
        <Async state={list} label="Loading discussions…">
          {(items) => <DiscussionList projectKey={key} items={items} showObject />}
        </Async>
      </CardSection>
    </div>
  );
}

import type { SharedItem } from '../api/types';
import { useAuth } from '../auth';
import { Async, EmptyCard, PageHeader } from '../components/ui';
import { useApi } from '../lib/use-api';
import { SharedItemsTable } from './home/shared-with-me';

/**
 * `/shared`: what others shared with the user beyond their projects (dashboards open at
 * /shared/KEY/dashboards/ID, webapps where the server serves them). An empty list says why it
 * is empty: nothing shared, or an admin, who is a member of every project and finds them there.
 */
export default function SharedPage() {
  const { me } = useAuth();
  const shared = useApi<SharedItem[]>('/api/shared');
  return (
    <>
      <PageHeader
        title="Shared with me"
        subtitle="Dashboards and webapps shared with you, or with a group of yours, in projects you are not a member of"
      />
      <Async state={shared} label="Loading what is shared with you…">
        {(items) =>
          items.length ? (
            <SharedItemsTable items={items} />
          ) : (
            <EmptyCard title="Nothing is shared with you">
              {me?.isAdmin
                ? 'As an administrator you see every project: their dashboards and webapps are in the projects themselves.'
                : 'When someone shares a dashboard or a webapp of a project you are not a member of with you or one of your groups, it appears here.'}
            </EmptyCard>
          )
        }
      </Async>
    </>
  );
}

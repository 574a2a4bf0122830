import { ApiKeys } from '../components/api-key-parts';
import type { ApiKeyInfo } from '../api/types';
import { PageHeader } from '../components/ui';
import { formatRelative } from '../lib/format';
import { useApi } from '../lib/use-api';

/** Your API keys, for scripts and the CLI (`Authorization: Bearer <key>`). */
export default function AccountPage() {
  const keys = useApi<ApiKeyInfo[]>('/api/api-keys');
  return (
    <>
      <PageHeader
        title="API keys"
        subtitle={
          <>
            Keys act as you, for scripts and the llano command: send them as Authorization: Bearer &lt;key&gt;. Every
            route is described in the <a href="/api/docs">API reference</a>.
          </>
        }
      />
      <ApiKeys
        url="/api/api-keys"
        keys={keys}
        noun="API key"
        placeholder="Name, e.g. nightly-export"
        defaultScopes={['read', 'write', 'run', 'admin']}
        defaultDays=""
        tailColumns={[{ header: 'Created', className: 'small', cell: (k) => formatRelative(k.createdAt) }]}
        revokeEffect="Scripts using it stop working at once."
      />
    </>
  );
}

import { useParams } from 'react-router-dom';
import type { Insight } from '../api/types';

/**
 * A `webapp` insight: the served app in an iframe. The server answers its URL with a redirect to
 * the viewer's view-token path and sends the app's pages with a CSP sandbox (an opaque origin), so
 * the embedded app can neither script this page nor use the viewer's session.
 */
export function WebappFrame({ insight }: { insight: Insight }) {
  const { key = '' } = useParams();
  return (
    <iframe
      className="webapp-tile"
      title={`Webapp ${insight.name}`}
      src={`/webapps/${key}/${insight.webapp ?? ''}/`}
      style={{ minHeight: insight.height ? Math.min(insight.height, 400) : undefined }}
    />
  );
}

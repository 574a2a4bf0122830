import { useState } from 'react';
import { api, projectApi } from '../../api/client';
import type { RevealedSecret } from '../../api/types';
import { ErrorAlert } from '../../components/ui';
import { useConfirm } from '../../components/confirm-dialog';

const REDACTED = '********';

/**
 * The signing secret of a webhook reporter: shown once, right after the save or rotation that
 * made it, with a Copy button; afterwards only whether there is one, and (for writers) a way to
 * rotate it. Readers never get the secret from the server.
 */
export function WebhookSecret({
  projectKey,
  scenarioId,
  where,
  stored,
  revealed,
  dirty,
  readOnly,
  onRotated,
}: {
  projectKey: string;
  scenarioId: string;
  /** The reporter's place, e.g. `reporters[0]`. */
  where: string;
  /** The reporter as last saved (undefined: not saved yet). */
  stored: Record<string, unknown> | undefined;
  revealed: string | undefined;
  dirty: boolean;
  readOnly: boolean;
  onRotated: (r: RevealedSecret) => void;
}) {
  const [error, setError] = useState<unknown>(null);
  const [copied, setCopied] = useState(false);
  const [rotating, setRotating] = useState(false);
  const confirm = useConfirm();

  const copy = async (secret: string) => {
    setError(null);
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch (e) {
      setError(e);
    }
  };
  const rotate = async () => {
    const ok = await confirm.ask({
      title: 'Rotate the signing secret?',
      body: 'The old one stops working at once: the receiver must be given the new one.',
      confirm: 'Rotate the secret',
      danger: true,
    });
    if (!ok) return;
    setError(null);
    setRotating(true);
    try {
      const r = await api.post<RevealedSecret>(projectApi(projectKey, 'scenarios', scenarioId, 'rotate-secret'), {
        reporter: where,
      });
      setCopied(false);
      onRotated(r);
    } catch (e) {
      setError(e);
    } finally {
      setRotating(false);
    }
  };

  if (revealed)
    return (
      <div className="alert success mt-3" role="status" aria-label="New signing secret">
        New signing secret: copy it to the receiver now, it is shown only once.
        <pre className="log mt-3" aria-label="Signing secret">
          {revealed}
        </pre>
        <button type="button" className="btn small" onClick={() => void copy(revealed)}>
          {copied ? 'Copied' : 'Copy'}
        </button>
        <ErrorAlert error={error} title="Could not copy" />
      </div>
    );
  const signed = stored?.channel === 'webhook' && stored.secret === REDACTED;
  return (
    <div className="row mt-3 small">
      {confirm.dialog}
      <span className="grow muted">
        {signed
          ? 'Each delivery is signed (X-Llano-Signature) with a secret that was shown once when it was made.'
          : 'A signing secret is made when the scenario is saved, and shown here once.'}
      </span>
      {signed && !readOnly ? (
        <button
          type="button"
          className="btn small"
          disabled={dirty || rotating}
          title={dirty ? 'Save or discard your changes first' : undefined}
          onClick={() => void rotate()}
        >
          Rotate secret
        </button>
      ) : null}
      <ErrorAlert error={error} title="Secret not rotated" />
    </div>
  );
}

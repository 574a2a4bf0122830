import { useState } from 'react';
import { projectApi } from '../api/client';
import type { Dataset } from '../api/types';
import { CardSection, ErrorAlert } from '../components/ui';
import { useApi } from '../lib/use-api';

/**
 * The datasets a webapp declares: all that the viewers it is shared with (non-members) read
 * through it. Members read what their project role allows, whatever is ticked here. Each change
 * is saved at once (as sharing is).
 */
export function WebappDatasets({
  projectKey,
  declared,
  canEdit,
  save,
}: {
  projectKey: string;
  declared: string[];
  canEdit: boolean;
  save: (datasets: string[]) => Promise<void>;
}) {
  const datasets = useApi<Dataset[]>(projectApi(projectKey, 'datasets'));
  const [error, setError] = useState<unknown>(null);
  // While a change is being saved: the list it saves, shown at once (the box follows the click).
  const [pending, setPending] = useState<string[] | null>(null);
  const shown = pending ?? declared;
  const toggle = async (name: string, on: boolean) => {
    const next = on ? [...shown, name].sort() : shown.filter((d) => d !== name);
    setPending(next);
    setError(null);
    try {
      await save(next);
    } catch (e) {
      setError(e);
    } finally {
      setPending(null);
    }
  };
  const names = (datasets.data ?? []).map((d) => d.name);
  // A declared dataset since deleted is still listed, so it can be unticked.
  const listed = [...new Set([...names, ...declared])].sort();
  return (
    <CardSection title="Data for shared viewers">
      <p className="muted small">
        Viewers it is shared with, who are not members of the project, read through it only the datasets ticked here.
      </p>
      {datasets.error ? <ErrorAlert error={datasets.error} onRetry={datasets.reload} /> : null}
      {error ? <ErrorAlert error={error} /> : null}
      <fieldset className="plain-fieldset check-grid" disabled={!canEdit || pending !== null}>
        <legend className="visually-hidden">Datasets shared viewers read</legend>
        {listed.map((name) => (
          <label key={name}>
            <input
              type="checkbox"
              checked={shown.includes(name)}
              onChange={(e) => void toggle(name, e.target.checked)}
            />{' '}
            {name}
          </label>
        ))}
        {datasets.data && !listed.length ? <span className="muted">The project has no datasets.</span> : null}
      </fieldset>
    </CardSection>
  );
}

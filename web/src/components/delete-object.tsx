import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, projectApi } from '../api/client';
import type { Dataset, Recipe, Scenario } from '../api/types';
import { useCan } from '../lib/use-can';
import { recipeOutputs } from '../lib/recipe-outputs';
import { ActionButton } from './can';
import { useConfirm } from './confirm-dialog';
import { projectPath } from './layout';
import { ErrorAlert } from './ui';

export type DeletableKind = 'dataset' | 'recipe' | 'scenario';
const PLURAL: Record<DeletableKind, string> = { dataset: 'datasets', recipe: 'recipes', scenario: 'scenarios' };

/** Names of the scenarios whose steps name `dataset` (build targets, checks, metrics). */
const scenariosNaming = (scenarios: Scenario[], dataset: string) =>
  scenarios.filter((s) => JSON.stringify(s.steps).includes(JSON.stringify(dataset))).map((s) => s.name || s.id);

const list = (names: string[]) => names.join(', ');

/**
 * What deleting an object does beyond itself, read from the project's objects when asked,
 * and whether the server would refuse (a dataset still read or written by recipes).
 */
export async function deleteImpact(
  projectKey: string,
  kind: DeletableKind,
  name: string,
): Promise<{ lines: string[]; blockedBy: string[] }> {
  const [recipes, scenarios] = await Promise.all([
    api.get<Recipe[]>(projectApi(projectKey, 'recipes')),
    api.get<Scenario[]>(projectApi(projectKey, 'scenarios')),
  ]);
  if (kind === 'dataset') {
    const dataset = await api.get<Dataset>(projectApi(projectKey, 'datasets', name));
    const users = recipes.filter((r) => r.inputs.includes(name) || recipeOutputs(r).includes(name)).map((r) => r.name);
    const lines = [
      dataset.storage.type === 'managed'
        ? `Its data (${dataset.currentVersion ? `all versions, ${dataset.rowCount ?? 0} rows now` : 'none yet'}) is deleted for good.`
        : 'Only its definition goes; the data stays where it is read from.',
    ];
    const naming = scenariosNaming(scenarios, name);
    if (naming.length) lines.push(`Scenarios naming it in their steps fail at that step: ${list(naming)}.`);
    return { lines, blockedBy: users };
  }
  if (kind === 'recipe') {
    const recipe = recipes.find((r) => r.name === name);
    const outputs = recipe ? recipeOutputs(recipe) : [];
    const lines = recipe
      ? [
          outputs.length > 1
            ? `Its output datasets ${list(outputs)} stay with their data, but nothing builds them any more.`
            : `Its output dataset ${outputs[0]} stays with its data, but nothing builds it any more.`,
        ]
      : [];
    for (const output of outputs) {
      const naming = scenariosNaming(scenarios, output);
      if (naming.length) lines.push(`Scenarios building ${output} then fail at that step: ${list(naming)}.`);
    }
    return { lines, blockedBy: [] };
  }
  return {
    lines: ['Its triggers stop firing. Its past runs stay in the monitoring history.'],
    blockedBy: [],
  };
}

/**
 * "Delete" for a dataset, recipe or scenario page: says what else it affects in the app's
 * dialog, deletes, then goes to the list. Writers only; readers see it disabled with the reason.
 */
export function DeleteObjectButton({
  projectKey,
  kind,
  name,
  label,
}: {
  projectKey: string;
  kind: DeletableKind;
  name: string;
  /** What the dialog calls it, when not the name (a scenario's title). */
  label?: string;
}) {
  const can = useCan('write');
  const confirm = useConfirm();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  const start = async () => {
    setError(null);
    try {
      const impact = await deleteImpact(projectKey, kind, name);
      if (impact.blockedBy.length) {
        await confirm.ask({
          title: `${kind[0].toUpperCase()}${kind.slice(1)} ${label ?? name} is in use`,
          body: `Recipes read or write it: ${list(impact.blockedBy)}. Delete or change them first.`,
          confirm: '',
        });
        return;
      }
      const body = (
        <ul>
          {impact.lines.map((l) => (
            <li key={l}>{l}</li>
          ))}
        </ul>
      );
      const ok = await confirm.ask({
        title: `Delete ${kind} ${label ?? name}?`,
        body,
        confirm: `Delete ${kind}`,
        danger: true,
      });
      if (!ok) return;
      await api.del(projectApi(projectKey, PLURAL[kind], name));
      void navigate(projectPath(projectKey, PLURAL[kind]), { replace: true });
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <ActionButton can={can} className="btn danger" onClick={() => void start()}>
        Delete
      </ActionButton>
      {confirm.dialog}
      {error ? <ErrorAlert error={error} title={`Could not delete ${name}`} /> : null}
    </>
  );
}

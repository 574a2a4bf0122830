import { useEffect, useState } from 'react';
import { ApiError, api, projectApi } from '../../api/client';
import type { Dataset, PartitionDependency, Partitioning, Recipe } from '../../api/types';
import { ActionButton, ReadOnlyNotice } from '../../components/can';
import { CardSection, ErrorAlert, Notice } from '../../components/ui';
import { recipeOutputs } from '../../lib/recipe-outputs';
import { useCan } from '../../lib/use-can';

type Dependencies = Record<string, PartitionDependency>;
type Kind = PartitionDependency['kind'];

const KIND_LABELS: Record<Kind, string> = {
  equals: 'the same partition',
  'time-range': 'a time range around it',
  latest: 'the latest partition',
  all: 'all partitions',
  values: 'these partitions',
};

/** A recipe's stored dependencies, only for inputs it still has (the API refuses others). */
export function keptDependencies(stored: unknown, inputs: readonly string[]): { partitionDependencies?: Dependencies } {
  if (!stored || typeof stored !== 'object') return {};
  const kept = Object.entries(stored as Dependencies).filter(([input]) => inputs.includes(input));
  return kept.length ? { partitionDependencies: Object.fromEntries(kept) } : {};
}

/** The dependency a kind starts with when picked. */
function dependencyOf(kind: Kind, old: PartitionDependency | undefined): PartitionDependency {
  if (kind === 'time-range') return old?.kind === 'time-range' ? old : { kind, from: -6, to: 0 };
  if (kind === 'values') return old?.kind === 'values' ? old : { kind, partitions: [] };
  return { kind };
}

/** The period of a partitioning's time dimension, for "days -6 to 0". */
const timeUnit = (p: Partitioning) => p.dimensions.find((d) => d.type === 'time')?.period ?? 'period';

const describe = (p: Partitioning) =>
  p.dimensions.map((d) => (d.type === 'time' ? `${d.name} (${d.period})` : d.name)).join(' × ');

/**
 * A dataset's partitioning, null when it has none: asked only of the datasets the list says are
 * partitioned (for the others the answer is a 404, a console error in the browser).
 */
async function partitioningOf(
  projectKey: string,
  dataset: string,
  partitioned: Set<string>,
): Promise<Partitioning | null> {
  if (!partitioned.has(dataset)) return null;
  try {
    return await api.get<Partitioning>(projectApi(projectKey, 'datasets', dataset, 'partitioning'));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

/**
 * On a recipe whose output is partitioned: which partitions of each partitioned input one
 * output partition reads (same partition, a time range, the latest, all, listed ones). A
 * writer changes them and saves a new revision of the recipe; `blocked` says why not now.
 */
export function PartitionDependencies({
  projectKey,
  recipe,
  datasets,
  blocked,
  onSaved,
}: {
  projectKey: string;
  recipe: Recipe;
  /** The project's datasets, which the editor has loaded already: they say which are partitioned. */
  datasets: Dataset[] | undefined;
  blocked?: string | null;
  onSaved: (r: Recipe) => void;
}) {
  const can = useCan('write');
  const [layout, setLayout] = useState<{ output: Partitioning | null; inputs: Record<string, Partitioning | null> }>();
  const [deps, setDeps] = useState<Dependencies>(
    () => keptDependencies(recipe.partitionDependencies, recipe.inputs).partitionDependencies ?? {},
  );
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const inputsKey = recipe.inputs.join('\n');
  const partitionedKey = datasets
    ?.filter((d) => d.partitioned)
    .map((d) => d.name)
    .join('\n');
  useEffect(() => {
    if (partitionedKey === undefined) return;
    const partitioned = new Set(partitionedKey.split('\n'));
    let live = true;
    void (async () => {
      try {
        // Only a recipe with one output may write a partitioned dataset.
        const written = recipeOutputs(recipe);
        const output = written.length === 1 ? await partitioningOf(projectKey, written[0], partitioned) : null;
        const inputs = output
          ? Object.fromEntries(
              await Promise.all(
                recipe.inputs.map(async (i) => [i, await partitioningOf(projectKey, i, partitioned)] as const),
              ),
            )
          : {};
        if (live) setLayout({ output, inputs });
      } catch (err) {
        if (live) setError(err);
      }
    })();
    return () => {
      live = false;
    };
    // The recipe's output and inputs decide what to load, not its other settings.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [projectKey, recipe.output, inputsKey, partitionedKey]);

  if (!layout?.output) return error ? <ErrorAlert error={error} /> : null;
  const partitionedInputs = recipe.inputs.filter((i) => layout.inputs[i]);
  const stored = keptDependencies(recipe.partitionDependencies, recipe.inputs).partitionDependencies ?? {};
  const dirty = JSON.stringify(deps) !== JSON.stringify(stored);
  const set = (input: string, d: PartitionDependency | null) => {
    const next = { ...deps };
    if (d === null) delete next[input];
    else next[input] = d;
    setDeps(next);
  };
  const save = async () => {
    setError(null);
    setNotice(null);
    try {
      const body: Record<string, unknown> = { ...recipe, partitionDependencies: deps };
      for (const field of ['revision', 'updatedAt', 'updatedBy']) delete body[field];
      const saved = await api.put<Recipe>(projectApi(projectKey, 'recipes', recipe.name), {
        ...body,
        revision: recipe.revision,
      });
      setNotice(`Saved revision ${saved.revision}.`);
      onSaved(saved);
    } catch (err) {
      setError(err);
    }
  };
  const why = can.ok === false ? can.reason : (blocked ?? undefined);

  return (
    <CardSection title="Partition dependencies">
      <p className="small muted">
        {recipeOutputs(recipe)[0]} is partitioned by {describe(layout.output)}: each of its partitions is built from the
        input partitions below.
      </p>
      <ReadOnlyNotice can={can} what="the dependencies" />
      <fieldset className="stack plain-fieldset" disabled={can.ok === false}>
        {recipe.inputs.map((input) => {
          const p = layout.inputs[input];
          if (!p)
            return (
              <p key={input} className="small">
                <strong>{input}</strong>: not partitioned, read whole
              </p>
            );
          const d = deps[input] ?? { kind: 'equals' };
          return (
            <div key={input} className="row" role="group" aria-label={`Dependency on ${input}`}>
              <span>
                <strong>{input}</strong> <span className="small muted">by {describe(p)}</span>
              </span>
              <label className="field">
                Reads
                <select
                  value={d.kind}
                  onChange={(e) =>
                    set(input, e.target.value === 'equals' ? null : dependencyOf(e.target.value as Kind, d))
                  }
                >
                  {(Object.keys(KIND_LABELS) as Kind[]).map((k) => (
                    <option key={k} value={k}>
                      {KIND_LABELS[k]}
                    </option>
                  ))}
                </select>
              </label>
              {d.kind === 'time-range' ? (
                <>
                  <label className="field">
                    From (periods)
                    <input
                      type="number"
                      className="input-s"
                      value={d.from}
                      onChange={(e) => set(input, { ...d, from: Number(e.target.value) })}
                    />
                  </label>
                  <label className="field">
                    To (periods)
                    <input
                      type="number"
                      className="input-s"
                      value={d.to}
                      onChange={(e) => set(input, { ...d, to: Number(e.target.value) })}
                    />
                  </label>
                  <span className="small muted">
                    {d.from <= d.to
                      ? `${timeUnit(layout.output!)}s ${d.from} to ${d.to} from the output partition's (-6 to 0: the last 7)`
                      : 'From must not be after To'}
                  </span>
                </>
              ) : null}
              {d.kind === 'values' ? (
                <label className="field grow">
                  Partitions (comma-separated)
                  <input
                    value={d.partitions.join(', ')}
                    placeholder="2024-10-01, 2024-10-02"
                    onChange={(e) =>
                      set(input, {
                        kind: 'values',
                        partitions: e.target.value
                          .split(',')
                          .map((v) => v.trim())
                          .filter(Boolean),
                      })
                    }
                  />
                </label>
              ) : null}
            </div>
          );
        })}
        {partitionedInputs.length === 0 ? (
          <p className="small muted">No input is partitioned: every output partition reads them whole.</p>
        ) : null}
      </fieldset>
      <div className="row mt-2">
        <ActionButton
          can={why ? { ok: false, reason: why } : can}
          className="btn primary"
          disabled={!dirty}
          onClick={() => void save()}
        >
          Save dependencies
        </ActionButton>
        {why && can.ok !== false ? <span className="small muted">{why}</span> : null}
      </div>
      <ErrorAlert error={error} title="Could not save the dependencies" />
      <Notice text={notice} />
    </CardSection>
  );
}

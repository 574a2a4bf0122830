import { useMemo, useState } from 'react';
import { api, projectApi } from '../../api/client';
import type { Dataset, RevealedSecret, Scenario, ScenarioTypes } from '../../api/types';
import { isSaveConflict, SaveConflict } from '../../components/save-conflict';
import { SchemaForm, type FormValue, type Suggestions } from '../../components/schema-form';
import { ErrorAlert, Loading, Notice } from '../../components/ui';
import { useApi } from '../../lib/use-api';
import { useConfirm } from '../../components/confirm-dialog';
import { useUnsavedChangesGuard } from '../../lib/use-unsaved-changes-guard';
import { ItemsEditor } from './items-editor';
import { stepFieldOptions } from './step-field-options';
import { ProblemList, scenarioProblems } from './scenario-problems';
import { WebhookSecret } from './webhook-secret';

/** The scenario's settings: general fields, then its triggers, steps and reporters, saved together. */
export function ScenarioEditor({
  projectKey,
  scenario,
  onSaved,
  onReload,
  readOnly = false,
}: {
  projectKey: string;
  scenario: Scenario;
  onSaved: (s: Scenario) => void;
  /** Loads the stored scenario again (after a save conflict). */
  onReload: () => void;
  /** For readers: every field and button is shown disabled (a disabled fieldset), nothing can be changed. */
  readOnly?: boolean;
}) {
  const types = useApi<ScenarioTypes>('/api/scenario-types');
  const datasets = useApi<Dataset[]>(projectApi(projectKey, 'datasets'));
  const scenarios = useApi<Scenario[]>(projectApi(projectKey, 'scenarios'));
  const [draft, setDraft] = useState<Scenario>(scenario);
  const [error, setError] = useState<unknown>(null);
  // The draft a save was refused for: an item's problems show beside it while its list is unchanged.
  const [refused, setRefused] = useState<Scenario | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  // Secrets the server made on the last save or rotation: shown once, gone on reload.
  const [revealed, setRevealed] = useState<RevealedSecret[]>([]);
  // A newly stored scenario (saved, reloaded) replaces the draft, adjusted while rendering.
  const [shown, setShown] = useState(scenario);
  if (shown !== scenario) {
    setShown(scenario);
    setDraft(scenario);
  }
  const dirty = JSON.stringify(draft) !== JSON.stringify(scenario);
  // Switching to the Runs or History tab, or any other page, asks before dropping the edits.
  const confirm = useConfirm();
  useUnsavedChangesGuard(dirty && !readOnly, confirm.ask, 'the edits to this scenario');

  const suggestions: Suggestions = useMemo(() => {
    const names = (datasets.data ?? []).map((d) => d.name);
    return {
      targets: names,
      datasets: names,
      dataset: names,
      resetDataset: names,
      output: names,
      scenario: (scenarios.data ?? []).map((s) => s.id).filter((s) => s !== scenario.id),
    };
  }, [datasets.data, scenarios.data, scenario.id]);

  if (types.error) return <ErrorAlert error={types.error} onRetry={types.reload} />;
  if (!types.data) return <Loading label="Loading trigger, step and reporter types…" />;
  const t = types.data;

  const rotated = async (r: RevealedSecret) => {
    setRevealed([r]);
    // The rotation is a new revision: take it, so the next save does not conflict.
    onSaved(await api.get<Scenario>(projectApi(projectKey, 'scenarios', scenario.id)));
  };
  const webhookSecret = (item: Record<string, unknown>, i: number) =>
    item.channel === 'webhook' ? (
      <WebhookSecret
        projectKey={projectKey}
        scenarioId={scenario.id}
        where={`reporters[${i}]`}
        stored={scenario.reporters[i]}
        revealed={revealed.find((r) => r.where === `reporters[${i}]`)?.secret}
        dirty={dirty}
        readOnly={readOnly}
        onRotated={(r) => void rotated(r).catch(setError)}
      />
    ) : null;

  const save = async () => {
    setSaving(true);
    setError(null);
    setNotice(null);
    try {
      const { revealedSecrets, ...saved } = await api.put<Scenario>(
        projectApi(projectKey, 'scenarios', scenario.id),
        draft,
      );
      setRevealed(revealedSecrets ?? []);
      setNotice(`Saved revision ${saved.revision}.`);
      onSaved(saved);
    } catch (e) {
      setError(e);
      setRefused(draft);
    } finally {
      setSaving(false);
    }
  };
  const problems = scenarioProblems(error);
  const problemsOf = (section: 'triggers' | 'steps' | 'reporters') =>
    refused?.[section] === draft[section] ? problems.filter((p) => p.section === section) : [];
  return (
    <fieldset className="stack plain-fieldset" disabled={readOnly}>
      {confirm.dialog}
      {readOnly ? (
        <div className="alert info">You can read this scenario; changing it needs the writer role.</div>
      ) : null}
      {dirty ? (
        <div className="alert info row">
          <span className="grow">Unsaved changes</span>
          <button type="button" className="btn primary small" onClick={() => void save()} disabled={saving}>
            Save now
          </button>
        </div>
      ) : null}
      <section className="card" aria-label="General">
        <div className="card-header">
          <h2>General</h2>
        </div>
        <div className="card-body">
          <SchemaForm
            schema={t.scenario}
            value={draft as unknown as FormValue}
            hidden={['id', 'triggers', 'steps', 'reporters']}
            onChange={(v) =>
              setDraft({
                ...(v as unknown as Scenario),
                id: scenario.id,
                triggers: draft.triggers,
                steps: draft.steps,
                reporters: draft.reporters,
              })
            }
          />
          <ProblemList inItem problems={problems.filter((p) => !p.section)} />
        </div>
      </section>
      <ItemsEditor
        title="Triggers"
        what="trigger"
        keyField="type"
        types={t.triggers}
        items={draft.triggers}
        problems={problemsOf('triggers')}
        suggestions={suggestions}
        onChange={(triggers) => setDraft({ ...draft, triggers: triggers as Scenario['triggers'] })}
        empty="No trigger: the scenario runs only when started by hand."
      />
      <ItemsEditor
        title="Steps"
        what="step"
        keyField="type"
        types={t.steps}
        items={draft.steps}
        problems={problemsOf('steps')}
        suggestions={suggestions}
        optionsFor={(item) => stepFieldOptions(item, datasets.data ?? [])}
        onChange={(steps) => setDraft({ ...draft, steps: steps as Scenario['steps'] })}
        empty="No step yet: add a build, checks, SQL or a report."
      />
      <ItemsEditor
        title="Reporters"
        what="reporter"
        keyField="channel"
        types={t.reporters}
        items={draft.reporters}
        problems={problemsOf('reporters')}
        suggestions={suggestions}
        onChange={(reporters) => setDraft({ ...draft, reporters: reporters as Scenario['reporters'] })}
        empty="No reporter: nobody is told about runs."
        extra={webhookSecret}
      />
      {isSaveConflict(error) ? (
        <SaveConflict
          error={error}
          what="scenario"
          onReload={() => {
            setError(null);
            onReload();
          }}
        />
      ) : problems.length ? (
        <ProblemList
          title={`Not saved: ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}`}
          problems={problems}
        />
      ) : (
        <ErrorAlert error={error} title="Not saved" />
      )}
      <Notice text={notice} />
      <div className="row">
        <button type="button" className="btn primary" onClick={() => void save()} disabled={saving || !dirty}>
          {saving ? 'Saving…' : 'Save scenario'}
        </button>
        <button type="button" className="btn" onClick={() => setDraft(scenario)} disabled={!dirty}>
          Discard changes
        </button>
      </div>
    </fieldset>
  );
}

import { useState } from 'react';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { projectApi } from '../api/client';
import type { Dataset, Recipe } from '../api/types';
import { projectPath } from '../components/layout';
import { useConfirm } from '../components/confirm-dialog';
import { DeleteObjectButton } from '../components/delete-object';
import { Loading, PageError, PageHeader } from '../components/ui';
import { useApi } from '../lib/use-api';
import { AnalysisEditor } from './recipe-editor/analysis-editor';
import { CODE_LABELS, CODE_TYPES, CodeRecipeEditor } from './recipe-editor/code-recipe-editor';
import { useUnsavedChangesGuard } from '../lib/use-unsaved-changes-guard';
import { Editor, type Draft } from './recipe-editor/editor';
import { keptDependencies, PartitionDependencies } from './recipe-editor/partition-dependencies';
import { RecipeSections, type RecipeTab } from './recipe-editor/recipe-sections';
import { VisualEditor } from './recipe-editor/visual-editor';

/** Recipe types that analyse grouped series (the others but SQL are visual recipes). */
const ANALYSIS_TYPES = new Set(['changepoints', 'outliers', 'trend']);

export default function RecipeEditorPage() {
  const { key = '', name = '' } = useParams();
  const isNew = name === 'new';
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const recipe = useApi<Recipe>(isNew ? null : projectApi(key, 'recipes', name));
  const datasets = useApi<Dataset[]>(projectApi(key, 'datasets'));
  const [draft, setDraft] = useState<Draft | null>(null);
  const [tab, setTab] = useState<RecipeTab>('editor');

  // Start from the stored recipe, or from ?input=<dataset> for a new one; again whenever they change
  // (state adjusted while rendering, not in an effect).
  const [startedFrom, setStartedFrom] = useState<{ isNew: boolean; recipe?: Recipe; params: URLSearchParams } | null>(
    null,
  );
  if (
    !startedFrom ||
    startedFrom.isNew !== isNew ||
    startedFrom.recipe !== recipe.data ||
    startedFrom.params !== params
  ) {
    setStartedFrom({ isNew, recipe: recipe.data, params });
    const start = startingDraft(isNew, params.get('input'), recipe.data);
    if (start) setDraft(start);
  }
  // Leaving with edits not saved (through the sidebar, a breadcrumb, the History tab's links) asks first.
  const pristine = startingDraft(isNew, params.get('input'), recipe.data);
  const dirty = draft !== null && pristine !== null && JSON.stringify(draft) !== JSON.stringify(pristine);
  const confirm = useConfirm();
  useUnsavedChangesGuard(dirty, confirm.ask, isNew ? 'the new recipe' : 'the edits to this recipe');
  // "Save and run" on a new recipe moves to the recipe's own address: the build it started comes along.
  const started = useLocation().state as { jobId?: string; notice?: string } | null;
  const startedJob = started?.jobId;
  const startedNotice = started?.notice;
  // A new recipe, once saved, moves to its own address (the editor remounts there): the notice and
  // the build "Save and run" started come along in the location's state.
  const movedAlong = (r: Recipe, jobId?: string) => {
    if (isNew)
      void navigate(projectPath(key, 'recipes', r.name), {
        replace: true,
        state: { jobId, notice: `Saved revision ${r.revision}.` },
      });
    else recipe.setData(r);
  };

  if (recipe.error)
    return (
      <PageError
        error={recipe.error}
        onRetry={recipe.reload}
        back={{ to: projectPath(key, 'recipes'), label: 'All recipes' }}
      />
    );
  if (!draft || !datasets.data || (!isNew && !recipe.data)) return <Loading />;
  const sections = { projectKey: key, name, isNew, tab, setTab, onReverted: recipe.reload };
  // Types other than SQL get a form generated from their settings' schema: visual recipes (compiled
  // to SQL) or analyses of grouped series (changepoints, outliers, trend).
  const otherType = isNew ? params.get('type') : recipe.data?.type;
  const codeType = CODE_TYPES.find((t) => t === otherType);
  const isAnalysis = otherType ? ANALYSIS_TYPES.has(otherType) : false;
  // What differs by type: the label, what a new one says, and its editor; the page around is one.
  const [label, newSubtitle, editor] = codeType
    ? [
        CODE_LABELS[codeType],
        `${CODE_LABELS[codeType]} code run isolated, with memory and time limits`,
        <CodeRecipeEditor
          key={`${name}:${codeType}`}
          projectKey={key}
          language={codeType}
          recipe={recipe.data}
          input={params.get('input')}
          datasets={datasets.data}
          initialJobId={startedJob}
          initialNotice={startedNotice}
          onSaved={movedAlong}
          onReload={recipe.reload}
        />,
      ]
    : otherType && otherType !== 'sql'
      ? [
          otherType,
          isAnalysis
            ? 'Analyses each series of one input dataset'
            : 'A visual recipe: compiled to SQL, shown before it runs',
          isAnalysis ? (
            <AnalysisEditor
              key={otherType}
              projectKey={key}
              type={otherType}
              recipe={recipe.data}
              datasets={datasets.data}
              initialJobId={startedJob}
              initialNotice={startedNotice}
              onSaved={movedAlong}
              onReload={recipe.reload}
            />
          ) : (
            <VisualEditor
              key={`${name}:${otherType}`}
              projectKey={key}
              type={otherType}
              recipe={recipe.data}
              datasets={datasets.data}
              initialJobId={startedJob}
              initialNotice={startedNotice}
              onSaved={movedAlong}
            />
          ),
        ]
      : [
          'SQL',
          'Reads input datasets by name and writes one output dataset',
          <Editor
            key={name}
            projectKey={key}
            isNew={isNew}
            draft={draft}
            setDraft={setDraft}
            datasets={datasets.data}
            initialJobId={startedJob}
            onSaved={(r, jobId) => {
              if (isNew) void navigate(projectPath(key, 'recipes', r.name), { replace: true, state: { jobId } });
              else recipe.setData(r);
            }}
            onReload={recipe.reload}
          />,
        ];
  const isSql = !codeType && !(otherType && otherType !== 'sql');

  return (
    <>
      {confirm.dialog}
      <PageHeader
        title={isNew ? `New ${label} recipe` : name}
        breadcrumbs={
          <>
            <Link to={projectPath(key)}>{key}</Link> / <Link to={projectPath(key, 'recipes')}>Recipes</Link>
          </>
        }
        subtitle={
          !isNew && recipe.data
            ? `${label} recipe · revision ${recipe.data.revision} by ${recipe.data.updatedBy}`
            : newSubtitle
        }
        actions={!isNew ? <DeleteObjectButton projectKey={key} kind="recipe" name={name} /> : undefined}
      />
      <RecipeSections {...sections}>
        {recipe.data ? (
          <PartitionDependencies
            projectKey={key}
            recipe={recipe.data}
            datasets={datasets.data}
            // Only the SQL editor's draft lives here; the other editors keep their edits themselves.
            blocked={isSql && dirty ? 'Save or undo the edits to the recipe first.' : null}
            onSaved={(r) => recipe.setData(r)}
          />
        ) : null}
        {editor}
      </RecipeSections>
    </>
  );
}

/** The draft to start from: the stored recipe, or for a new one a summary of ?input=<dataset>; null while loading. */
function startingDraft(isNew: boolean, input: string | null, recipe: Recipe | undefined): Draft | null {
  if (isNew)
    return {
      name: input ? `compute_${input}_summary` : '',
      output: input ? `${input}_summary` : '',
      inputs: input ? [input] : [],
      sql: input ? `SELECT *\nFROM ${input}` : 'SELECT *\nFROM ',
    };
  if (recipe)
    return {
      name: recipe.name,
      output: recipe.output ?? '',
      inputs: recipe.inputs,
      sql: String(recipe.sql ?? ''),
      revision: recipe.revision,
      ...keptDependencies(recipe.partitionDependencies, recipe.inputs),
    };
  return null;
}

import { Link, useParams } from 'react-router-dom';
import { projectApi } from '../api/client';
import type { Recipe } from '../api/types';
import { projectPath } from '../components/layout';
import { ActionLink } from '../components/can';
import { LoadedTable } from '../components/loaded-table';
import { EmptyState, PageHeader } from '../components/ui';
import { formatRelative } from '../lib/format';
import { useApi } from '../lib/use-api';
import { useCan } from '../lib/use-can';
import { recipeOutputs } from '../lib/recipe-outputs';

/** Visual recipe types offered for a new recipe (each compiled to SQL, see GET /api/recipe-types). */
const VISUAL_TYPES = [
  'prepare',
  'join',
  'group',
  'window',
  'distinct',
  'sort',
  'topn',
  'stack',
  'split',
  'pivot',
  'sample',
];
/** Recipe types with a generated form (their settings come from GET /api/recipe-types). */
const ANALYSIS_TYPES = [
  ['changepoints', 'New change points'],
  ['outliers', 'New outliers'],
  ['trend', 'New trend'],
  ['typescript', 'New TypeScript'],
  ['python', 'New Python'],
  ['r', 'New R'],
] as const;

export default function RecipesPage() {
  const { key = '' } = useParams();
  const recipes = useApi<Recipe[]>(projectApi(key, 'recipes'));
  const canWrite = useCan('write');
  const newButton = (
    <>
      <ActionLink can={canWrite} className="btn primary" to={projectPath(key, 'recipes', 'new')}>
        New SQL recipe
      </ActionLink>
      {VISUAL_TYPES.map((t) => (
        <ActionLink key={t} can={canWrite} className="btn" to={`${projectPath(key, 'recipes', 'new')}?type=${t}`}>
          {t}
        </ActionLink>
      ))}
      {ANALYSIS_TYPES.map(([type, label]) => (
        <ActionLink key={type} can={canWrite} className="btn" to={`${projectPath(key, 'recipes', 'new')}?type=${type}`}>
          {label}
        </ActionLink>
      ))}
    </>
  );
  return (
    <>
      <PageHeader title="Recipes" breadcrumbs={<Link to={projectPath(key)}>{key}</Link>} actions={newButton} />
      <LoadedTable
        state={recipes}
        loading="Loading recipes…"
        rowKey={(r) => r.name}
        empty={
          <EmptyState title="No recipes yet" actions={newButton}>
            A recipe turns input datasets into an output dataset, e.g. with a SQL query.
          </EmptyState>
        }
        columns={[
          {
            header: 'Name',
            cell: (r) => (
              <Link to={projectPath(key, 'recipes', r.name)}>
                <strong>{r.name}</strong>
              </Link>
            ),
          },
          { header: 'Type', cell: (r) => r.type },
          {
            header: 'Inputs',
            cell: (r) =>
              r.inputs.map((i, n) => (
                <span key={i}>
                  {n ? ', ' : ''}
                  <Link to={projectPath(key, 'datasets', i)}>{i}</Link>
                </span>
              )),
          },
          {
            header: 'Output',
            cell: (r) =>
              recipeOutputs(r).map((o, n) => (
                <span key={o}>
                  {n ? ', ' : ''}
                  <Link to={projectPath(key, 'datasets', o)}>{o}</Link>
                </span>
              )),
          },
          {
            header: 'Updated',
            className: 'small muted',
            cell: (r) => `${formatRelative(r.updatedAt)} by ${r.updatedBy}`,
          },
        ]}
      />
    </>
  );
}

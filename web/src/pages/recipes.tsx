import { Link, useParams } from 'react-router-dom';
import { projectApi } from '../api/client';
import type { Recipe } from '../api/types';
import { projectPath } from '../components/layout';
import { Async, EmptyCard, ListTable, PageHeader } from '../components/ui';
import { formatRelative } from '../lib/format';
import { useApi } from '../lib/use-api';

export default function RecipesPage() {
  const { key = '' } = useParams();
  const recipes = useApi<Recipe[]>(projectApi(key, 'recipes'));
  const newButton = (
    <Link className="btn primary" to={projectPath(key, 'recipes', 'new')}>
      New SQL recipe
    </Link>
  );
  return (
    <>
      <PageHeader title="Recipes" breadcrumbs={<Link to={projectPath(key)}>{key}</Link>} actions={newButton} />
      <Async state={recipes} label="Loading recipes…">
        {(all) =>
          all.length === 0 ? (
            <EmptyCard title="No recipes yet" actions={newButton}>
                A recipe turns input datasets into an output dataset, e.g. with a SQL query.
              </EmptyCard>
          ) : (
            <ListTable headers={['Name', 'Type', 'Inputs', 'Output', 'Updated']}>
                  {all.map((r) => (
                    <tr key={r.name}>
                      <td>
                        <Link to={projectPath(key, 'recipes', r.name)}>
                          <strong>{r.name}</strong>
                        </Link>
                      </td>
                      <td>{r.type}</td>
                      <td>
                        {r.inputs.map((i, n) => (
                          <span key={i}>
                            {n ? ', ' : ''}
                            <Link to={projectPath(key, 'datasets', i)}>{i}</Link>
                          </span>
                        ))}
                      </td>
                      <td>
                        <Link to={projectPath(key, 'datasets', r.output)}>{r.output}</Link>
                      </td>
                      <td className="small muted">
                        {formatRelative(r.updatedAt)} by {r.updatedBy}
                      </td>
                    </tr>
                  ))}
                </ListTable>
          )
        }
      </Async>
    </>
  );
}

import { Link, useParams } from 'react-router-dom';
import { projectPath } from '../components/layout';
import { ObjectHistory } from '../components/object-history';
import { PageHeader } from '../components/ui';

const PAGES: Record<string, string> = {
  dataset: 'datasets',
  recipe: 'recipes',
  scenario: 'scenarios',
  'library-file': 'libraries',
};

/** Revisions of any catalog object: `/projects/KEY/history/<kind>/<name>`. */
export default function HistoryPage() {
  const { key = '', kind = '', name = '' } = useParams();
  const page = PAGES[kind];
  return (
    <>
      <PageHeader
        title={`History of ${kind} ${name}`}
        breadcrumbs={
          <>
            <Link to={projectPath(key)}>{key}</Link>
            {page ? (
              <>
                {' '}
                / <Link to={projectPath(key, page, name)}>{name}</Link>
              </>
            ) : null}
          </>
        }
        subtitle="Every change is a revision; reverting adds a new revision with the old content"
      />
      <ObjectHistory projectKey={key} kind={kind} name={name} />
    </>
  );
}

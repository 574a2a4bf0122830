import type { ReactNode } from 'react';
import { DiscussionsPanel } from '../../components/discussions-panel';
import { ObjectHistory } from '../../components/object-history';
import { TagsEditor } from '../../components/tags-editor';

export type RecipeTab = 'editor' | 'history' | 'discussion';

/**
 * The sections every saved recipe has, whatever its type (SQL, visual, analysis, code): its
 * editor (`children`), its history with revert, and its tags and discussions. A new recipe has
 * only its editor.
 */
export function RecipeSections({
  projectKey,
  name,
  isNew,
  tab,
  setTab,
  onReverted,
  children,
}: {
  projectKey: string;
  name: string;
  isNew: boolean;
  tab: RecipeTab;
  setTab: (tab: RecipeTab) => void;
  onReverted: () => void;
  children: ReactNode;
}) {
  if (isNew) return <>{children}</>;
  return (
    <>
      <div className="tabs" role="tablist" aria-label="Recipe sections">
        <button type="button" role="tab" aria-selected={tab === 'editor'} onClick={() => setTab('editor')}>
          Editor
        </button>
        <button type="button" role="tab" aria-selected={tab === 'history'} onClick={() => setTab('history')}>
          History
        </button>
        <button type="button" role="tab" aria-selected={tab === 'discussion'} onClick={() => setTab('discussion')}>
          Tags & discussions
        </button>
      </div>
      {tab === 'discussion' ? (
        <>
          <TagsEditor projectKey={projectKey} kind="recipe" name={name} />
          <DiscussionsPanel projectKey={projectKey} object={`recipe:${name}`} />
        </>
      ) : tab === 'history' ? (
        <ObjectHistory projectKey={projectKey} kind="recipe" name={name} onReverted={onReverted} />
      ) : (
        children
      )}
    </>
  );
}

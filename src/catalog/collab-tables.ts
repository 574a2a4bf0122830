/**
 * Catalog tables of collaboration (wiki attachments, discussions, notifications, tags) and of the
 * catalog search index, as Kysely sees them (migration 0017). Times are ISO text, JSON is text.
 */
import type { Generated } from 'kysely';

/** One row per searchable object, its text lower-cased, kept in step with every write (see search-index.ts). */
export interface SearchIndexTable {
  project_key: string;
  kind: string;
  name: string;
  /** What the UI shows: the object's display name (an insight's `name`), else its name. */
  title: string;
  name_lc: string;
  /** ` col1 col2 ` (spaces around each word so a whole word can be matched). */
  columns_lc: string;
  /** ` tag1 tag2 ` */
  tags_lc: string;
  description_lc: string;
  content_lc: string;
  /** Everything above in one text: a query first filters on it, then ranks. */
  haystack: string;
  description: string;
  tags: string;
  updated_at: string;
}

/** Tags (and, for kinds without one in their body, the description) of any project object. */
export interface ObjectTagsTable {
  project_key: string;
  kind: string;
  name: string;
  tags: string;
  description: string | null;
  updated_at: string;
  updated_by: string;
}

export interface WikiAttachmentsTable {
  project_key: string;
  page: string;
  file_name: string;
  size: number;
  content_type: string;
  /** Relative to the workspace. */
  location: string;
  created_at: string;
  created_by: string;
}

export interface DiscussionsTable {
  id: string;
  project_key: string;
  object_kind: string;
  object_name: string;
  title: string;
  status: 'open' | 'closed';
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface DiscussionMessagesTable {
  id: Generated<number>;
  discussion_id: string;
  project_key: string;
  author: string;
  message: string;
  created_at: string;
}

export interface NotificationsTable {
  id: Generated<number>;
  username: string;
  project_key: string;
  kind: string;
  title: string;
  message: string;
  /** A path of the web UI. */
  link: string;
  created_at: string;
  read_at: string | null;
}

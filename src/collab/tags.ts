import { z } from 'zod';
import type { Principal } from '../catalog/access.js';
import { reindexObject, type SearchableKind } from '../catalog/search-index.js';
import { badRequest, notFound } from '../common/errors.js';
import { nowIso } from '../common/ids.js';
import { parseOr400 } from '../common/parse.js';
import type { Workspace } from '../workspace/workspace.js';
import { assertPageName, kindOf, WIKI_KIND } from './object-refs.js';

const TAG = /^[^\s,][^,]{0,49}$/;
export const TagsSchema = z
  .object({
    tags: z
      .array(z.string().trim().regex(TAG, 'tags: each 1 to 50 characters, no commas'))
      .max(50, 'tags: at most 50')
      .transform((tags) => [...new Set(tags)]),
    description: z.string().max(2000, 'description: at most 2,000 characters').optional(),
  })
  .strict();

export interface ObjectTags {
  kind: string;
  name: string;
  tags: string[];
  description: string;
}

/**
 * Which fields a kind already keeps in its own body (and history): there the tags API edits the
 * body (a new revision); what a kind lacks is kept beside it in `object_tags`.
 */
const BODY_FIELDS: Record<SearchableKind, { tags: boolean; description: boolean }> = {
  dataset: { tags: true, description: true },
  recipe: { tags: true, description: true },
  scenario: { tags: false, description: true },
  insight: { tags: false, description: true },
  dashboard: { tags: false, description: true },
  'wiki-page': { tags: false, description: false },
};

type Body = Record<string, unknown> & { tags?: unknown; description?: unknown };

async function requireBody(ws: Workspace, projectKey: string, kind: SearchableKind, name: string) {
  if (kind === WIKI_KIND) assertPageName(name);
  const found = await ws.catalog.objects.get<Body>(projectKey, kind, name);
  if (!found) throw notFound(`${kind} ${name} not found in project ${projectKey}`);
  return found;
}

async function sideRow(ws: Workspace, projectKey: string, kind: string, name: string) {
  return ws.catalog.db
    .selectFrom('object_tags')
    .selectAll()
    .where('project_key', '=', projectKey)
    .where('kind', '=', kind)
    .where('name', '=', name)
    .executeTakeFirst();
}

function merge(
  kind: SearchableKind,
  name: string,
  body: Body,
  side: { tags: string; description: string | null } | undefined,
): ObjectTags {
  const fields = BODY_FIELDS[kind];
  const bodyTags = Array.isArray(body.tags) ? (body.tags as string[]) : [];
  return {
    kind,
    name,
    tags: fields.tags ? bodyTags : side ? (JSON.parse(side.tags) as string[]) : [],
    description:
      (fields.description ? (typeof body.description === 'string' ? body.description : '') : side?.description) ?? '',
  };
}

export async function getTags(ws: Workspace, principal: Principal, projectKey: string, kindText: string, name: string) {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  const kind = kindOf(kindText);
  const stored = await requireBody(ws, projectKey, kind, name);
  return merge(kind, name, stored.body, await sideRow(ws, projectKey, kind, name));
}

/** What `object_tags` keeps of one object: the tags and description its kind's body has no field for. */
export interface SideTags {
  tags: string[];
  description: string | null;
  updatedAt: string;
  updatedBy: string;
}

/**
 * Writes an object's side tags and refreshes its search row: the one way `object_tags` is
 * written, by `setTags` or by a project import (which keeps author and time).
 */
export async function storeSideTags(
  ws: Workspace,
  projectKey: string,
  kind: string,
  name: string,
  side: SideTags,
): Promise<void> {
  const row = {
    tags: JSON.stringify(side.tags),
    description: side.description,
    updated_at: side.updatedAt,
    updated_by: side.updatedBy,
  };
  await ws.catalog.db
    .insertInto('object_tags')
    .values({ project_key: projectKey, kind, name, ...row })
    .onConflict((oc) => oc.columns(['project_key', 'kind', 'name']).doUpdateSet(row))
    .execute();
  await reindexObject(ws.catalog.db, projectKey, kind, name);
}

/** Every object's side tags in a project, by kind and name (the caller has checked access). */
export async function storedSideTags(
  ws: Workspace,
  projectKey: string,
): Promise<(SideTags & { kind: string; name: string })[]> {
  const rows = await ws.catalog.db
    .selectFrom('object_tags')
    .selectAll()
    .where('project_key', '=', projectKey)
    .orderBy('kind')
    .orderBy('name')
    .execute();
  return rows.map((r) => ({
    kind: r.kind,
    name: r.name,
    tags: JSON.parse(r.tags) as string[],
    description: r.description,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  }));
}

/** Sets an object's tags (and its description when given); writers only. */
export async function setTags(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  kindText: string,
  name: string,
  input: unknown,
): Promise<ObjectTags> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  const kind = kindOf(kindText);
  const { tags, description } = parseOr400(TagsSchema, input, 'tags');
  const stored = await requireBody(ws, projectKey, kind, name);
  const fields = BODY_FIELDS[kind];
  const bodyPatch: Body = {};
  if (fields.tags) bodyPatch.tags = tags;
  if (fields.description && description !== undefined) bodyPatch.description = description;
  const changesBody = Object.entries(bodyPatch).some(([k, v]) => JSON.stringify(stored.body[k]) !== JSON.stringify(v));
  if (changesBody) {
    if (typeof stored.body !== 'object' || stored.body === null)
      throw badRequest(`${kind} ${name} has no fields to tag`);
    await ws.catalog.objects.put({
      projectKey,
      kind,
      name,
      body: { ...stored.body, ...bodyPatch },
      author: principal.username,
      expectRevision: stored.revision,
    });
  }
  if (!fields.tags || (!fields.description && description !== undefined)) {
    const side = await sideRow(ws, projectKey, kind, name);
    await storeSideTags(ws, projectKey, kind, name, {
      tags: fields.tags ? [] : tags,
      description: fields.description ? null : (description ?? side?.description ?? null),
      updatedAt: nowIso(),
      updatedBy: principal.username,
    });
  }
  return getTags(ws, principal, projectKey, kind, name);
}

/** Every tagged or described object of a project (the list pages filter on it). */
export async function projectTags(ws: Workspace, principal: Principal, projectKey: string): Promise<ObjectTags[]> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  const rows = await ws.catalog.db
    .selectFrom('search_index')
    .select(['kind', 'name', 'tags', 'description'])
    .where('project_key', '=', projectKey)
    .orderBy('kind')
    .orderBy('name')
    .execute();
  return rows
    .map((r) => ({ kind: r.kind, name: r.name, tags: JSON.parse(r.tags) as string[], description: r.description }))
    .filter((r) => r.tags.length > 0 || r.description !== '');
}

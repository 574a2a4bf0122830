import { z } from 'zod';
import type { Principal } from '../catalog/access.js';
import { roleAtLeast } from '../catalog/access.js';
import { forbidden, notFound } from '../common/errors.js';
import { newId, nowIso } from '../common/ids.js';
import { parseOr400 } from '../common/parse.js';
import { markdownToHtml } from '../insights/markdown.js';
import type { Workspace } from '../workspace/workspace.js';
import { notifyUsers } from './notifications.js';
import { formatRef, parseObjectRef, requireObject } from './object-refs.js';

export const NewDiscussionSchema = z
  .object({
    object: z.string().describe('The object discussed, kind:name (dataset:trec, wiki:ops/shifts)'),
    title: z.string().trim().min(1, 'required').max(200, 'at most 200 characters'),
    message: z.string().trim().min(1, 'required').max(20_000, 'at most 20,000 characters'),
  })
  .strict();
export const ReplySchema = NewDiscussionSchema.pick({ message: true });

export interface DiscussionMessage {
  id: number;
  author: string;
  message: string;
  /** The message rendered (the safe Markdown of text tiles). */
  html: string;
  createdAt: string;
}

/** A thread's own fields, as stored (an export carries them). */
interface ThreadFields {
  object: string;
  title: string;
  status: 'open' | 'closed';
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface Discussion extends ThreadFields {
  id: string;
  projectKey: string;
  replies: number;
}

export interface DiscussionThread extends Discussion {
  messages: DiscussionMessage[];
}

const MENTION = /(?:^|[^A-Za-z0-9._-])@([A-Za-z0-9][A-Za-z0-9._-]{0,63})/g;

/** The @usernames a message names (a trailing dot ends the sentence, not the name). */
export function mentionsIn(message: string): string[] {
  return [...new Set([...message.matchAll(MENTION)].map((m) => m[1].replace(/[.]+$/, '')))];
}

const threadLink = (projectKey: string, id: string) => `/projects/${projectKey}/discussions/${id}`;

/** Mentioned users who are members of the project (others cannot read it, so they are not told). */
async function mentionedMembers(ws: Workspace, projectKey: string, message: string, author: string) {
  const names = mentionsIn(message).filter((n) => n !== author);
  if (names.length === 0) return [];
  const rows = await ws.catalog.db
    .selectFrom('members')
    .select('username')
    .where('project_key', '=', projectKey)
    .where('username', 'in', names)
    .execute();
  return rows.map((r) => r.username);
}

async function messagesOf(ws: Workspace, id: string): Promise<DiscussionMessage[]> {
  const rows = await ws.catalog.db
    .selectFrom('discussion_messages')
    .selectAll()
    .where('discussion_id', '=', id)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    author: r.author,
    message: r.message,
    html: markdownToHtml(r.message),
    createdAt: r.created_at,
  }));
}

async function requireThread(ws: Workspace, projectKey: string, id: string) {
  const row = await ws.catalog.db
    .selectFrom('discussions')
    .selectAll()
    .where('project_key', '=', projectKey)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound(`Discussion ${id} not found in project ${projectKey}`);
  return row;
}

/** A whole thread as it is stored, without ids (what a project export carries). */
export interface StoredThread extends ThreadFields {
  messages: { author: string; message: string; createdAt: string }[];
}

/**
 * Writes a thread and its messages in one transaction, under a new id (returned); authors and
 * times are taken as given. The one way a discussion is written: opened here, or imported.
 */
export async function insertThread(ws: Workspace, projectKey: string, thread: StoredThread): Promise<string> {
  const ref = parseObjectRef(thread.object);
  const id = newId();
  await ws.catalog.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('discussions')
      .values({
        id,
        project_key: projectKey,
        object_kind: ref.kind,
        object_name: ref.name,
        title: thread.title,
        status: thread.status,
        created_by: thread.createdBy,
        created_at: thread.createdAt,
        updated_at: thread.updatedAt,
      })
      .execute();
    for (const m of thread.messages)
      await trx
        .insertInto('discussion_messages')
        .values({
          discussion_id: id,
          project_key: projectKey,
          author: m.author,
          message: m.message,
          created_at: m.createdAt,
        })
        .execute();
  });
  return id;
}

/** Every thread of a project with its messages, oldest first (the caller has checked access). */
export async function storedThreads(ws: Workspace, projectKey: string): Promise<StoredThread[]> {
  const threads = await ws.catalog.db
    .selectFrom('discussions')
    .selectAll()
    .where('project_key', '=', projectKey)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const out: StoredThread[] = [];
  for (const t of threads)
    out.push({
      object: formatRef({ kind: t.object_kind, name: t.object_name }),
      title: t.title,
      status: t.status,
      createdBy: t.created_by,
      createdAt: t.created_at,
      updatedAt: t.updated_at,
      messages: (await messagesOf(ws, t.id)).map((m) => ({
        author: m.author,
        message: m.message,
        createdAt: m.createdAt,
      })),
    });
  return out;
}

/** Discussions of a project, optionally of one object or status; most recently active first. */
export async function listDiscussions(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  filter: { object?: string; status?: 'open' | 'closed' } = {},
): Promise<Discussion[]> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  let query = ws.catalog.db
    .selectFrom('discussions')
    .selectAll('discussions')
    .select((eb) =>
      eb
        .selectFrom('discussion_messages')
        .select((m) => m.fn.countAll<number>().as('n'))
        .whereRef('discussion_messages.discussion_id', '=', 'discussions.id')
        .as('messages'),
    )
    .where('project_key', '=', projectKey);
  if (filter.object) {
    const ref = parseObjectRef(filter.object);
    query = query.where('object_kind', '=', ref.kind).where('object_name', '=', ref.name);
  }
  if (filter.status) query = query.where('status', '=', filter.status);
  const rows = await query.orderBy('updated_at', 'desc').limit(500).execute();
  return rows.map((r) => ({
    id: r.id,
    projectKey: r.project_key,
    object: formatRef({ kind: r.object_kind, name: r.object_name }),
    title: r.title,
    status: r.status,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    replies: Math.max(0, Number(r.messages ?? 0) - 1),
  }));
}

export async function getDiscussion(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
): Promise<DiscussionThread> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  const row = await requireThread(ws, projectKey, id);
  const messages = await messagesOf(ws, id);
  return {
    id: row.id,
    projectKey,
    object: formatRef({ kind: row.object_kind, name: row.object_name }),
    title: row.title,
    status: row.status,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    replies: Math.max(0, messages.length - 1),
    messages,
  };
}

/** Opens a thread on an object (any project member may): its first message may @mention members. */
export async function startDiscussion(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  input: unknown,
): Promise<DiscussionThread> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  const body = parseOr400(NewDiscussionSchema, input, 'discussion');
  const ref = parseObjectRef(body.object);
  await requireObject(ws, projectKey, ref);
  const now = nowIso();
  const id = await insertThread(ws, projectKey, {
    object: formatRef(ref),
    title: body.title,
    status: 'open',
    createdBy: principal.username,
    createdAt: now,
    updatedAt: now,
    messages: [{ author: principal.username, message: body.message, createdAt: now }],
  });
  const mentioned = await mentionedMembers(ws, projectKey, body.message, principal.username);
  await notifyUsers(ws, mentioned, {
    projectKey,
    kind: 'mention',
    title: `${principal.username} mentioned you in "${body.title}" (${projectKey}, ${formatRef(ref)})`,
    message: body.message,
    link: threadLink(projectKey, id),
  });
  return getDiscussion(ws, principal, projectKey, id);
}

/** Adds a reply: mentioned members are told, and so is everyone who wrote in the thread before. */
export async function replyToDiscussion(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
  input: unknown,
): Promise<DiscussionThread> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  const { message } = parseOr400(ReplySchema, input, 'reply');
  const thread = await requireThread(ws, projectKey, id);
  const before = await messagesOf(ws, id);
  const now = nowIso();
  await ws.catalog.db
    .insertInto('discussion_messages')
    .values({ discussion_id: id, project_key: projectKey, author: principal.username, message, created_at: now })
    .execute();
  await ws.catalog.db.updateTable('discussions').set({ updated_at: now }).where('id', '=', id).execute();
  const mentioned = await mentionedMembers(ws, projectKey, message, principal.username);
  const where = `"${thread.title}" (${projectKey}, ${thread.object_kind}:${thread.object_name})`;
  await notifyUsers(ws, mentioned, {
    projectKey,
    kind: 'mention',
    title: `${principal.username} mentioned you in ${where}`,
    message,
    link: threadLink(projectKey, id),
  });
  const participants = [...new Set(before.map((m) => m.author))].filter(
    (u) => u !== principal.username && !mentioned.includes(u),
  );
  const stillMembers = participants.length
    ? (
        await ws.catalog.db
          .selectFrom('members')
          .select('username')
          .where('project_key', '=', projectKey)
          .where('username', 'in', participants)
          .execute()
      ).map((r) => r.username)
    : [];
  await notifyUsers(ws, stillMembers, {
    projectKey,
    kind: 'reply',
    title: `${principal.username} replied in ${where}`,
    message,
    link: threadLink(projectKey, id),
  });
  return getDiscussion(ws, principal, projectKey, id);
}

/** Closes or reopens a thread: its author, or a writer of the project. */
export async function setDiscussionStatus(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
  status: 'open' | 'closed',
): Promise<DiscussionThread> {
  const project = await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  const thread = await requireThread(ws, projectKey, id);
  if (thread.created_by !== principal.username && !principal.isAdmin && !roleAtLeast(project.role ?? null, 'writer'))
    throw forbidden('Only the author of a discussion or a project writer may close or reopen it');
  await ws.catalog.db.updateTable('discussions').set({ status, updated_at: nowIso() }).where('id', '=', id).execute();
  return getDiscussion(ws, principal, projectKey, id);
}

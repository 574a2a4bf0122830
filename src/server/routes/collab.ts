import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { searchCatalog, SearchQuerySchema } from '../../collab/catalog-search.js';
import {
  getDiscussion,
  listDiscussions,
  replyToDiscussion,
  setDiscussionStatus,
  startDiscussion,
} from '../../collab/discussions.js';
import { listNotifications, markNotificationsRead } from '../../collab/notifications.js';
import { getTags, projectTags, setTags } from '../../collab/tags.js';
import { deleteWikiPage, getWikiPage, listWikiPages, previewWiki, saveWikiPage } from '../../collab/wiki.js';
import { deleteAttachment, listAttachments, openAttachment, saveAttachment } from '../../collab/wiki-attachments.js';
import { badRequest } from '../../common/errors.js';
import type { Workspace } from '../../workspace/workspace.js';
import { route } from '../route.js';

const P = '/api/projects/{key}';
const loose = z.looseObject;
const str = z.string();
const WikiLink = loose({ ref: str, kind: str, name: str, href: str, exists: z.boolean() });
const WikiSummary = loose({ name: str, revision: z.number(), updatedAt: str, updatedBy: str });
const WikiPage = WikiSummary.extend({ projectKey: str, content: str, html: str, links: z.array(WikiLink) });
const WikiPut = z.object({
  content: z.string().describe('Markdown; [[dataset:trec]], [[recipe:x]], [[dashboard:y]], [[wiki:page]] link objects'),
  revision: z.number().int().min(0).optional().describe('The revision edited: a later save by someone else is a 409'),
});
const Attachment = loose({
  page: str,
  fileName: str,
  size: z.number(),
  contentType: str,
  createdAt: str,
  createdBy: str,
});
const Discussion = loose({
  id: str,
  projectKey: str,
  object: str,
  title: str,
  status: z.enum(['open', 'closed']),
  createdBy: str,
  createdAt: str,
  updatedAt: str,
  replies: z.number(),
});
const Thread = Discussion.extend({
  messages: z.array(loose({ id: z.number(), author: str, message: str, html: str, createdAt: str })),
});
const Notification = loose({
  id: z.number(),
  projectKey: str,
  kind: str,
  title: str,
  message: str,
  link: str,
  createdAt: str,
  readAt: str.nullable(),
});
const Tags = loose({ kind: str, name: str, tags: z.array(str), description: str });
const SearchHit = loose({
  projectKey: str,
  kind: str,
  name: str,
  title: str,
  description: str,
  tags: z.array(str),
  match: str.nullable(),
  url: str,
});
/** Wiki page names hold '/', sent encoded as %2F in one path segment (`ops%2Fshifts`). */
const PAGE = `${P}/wiki/{page}`;

export function collabRoutes(app: FastifyInstance, ws: Workspace): void {
  route(
    app,
    {
      method: 'GET',
      url: `${P}/wiki`,
      summary: 'Wiki pages of the project (names are paths: ops/shifts; the UI shows them as a tree)',
      tag: 'wiki',
      access: 'reader',
      response: { 200: z.array(WikiSummary) },
    },
    async ({ principal, params }) => listWikiPages(ws, principal, params.key),
  );
  route(
    app,
    {
      method: 'GET',
      url: PAGE,
      summary: 'One wiki page: its Markdown, rendered HTML and resolved object links (page: / as %2F)',
      tag: 'wiki',
      access: 'reader',
      response: { 200: WikiPage },
    },
    async ({ principal, params }) => getWikiPage(ws, principal, params.key, params.page),
  );
  route(
    app,
    {
      method: 'PUT',
      url: PAGE,
      summary: 'Create or replace a wiki page (a new revision: history, diff and revert as other objects)',
      tag: 'wiki',
      body: WikiPut,
      access: 'writer',
      response: { 200: WikiPage },
    },
    async ({ principal, params, body }) =>
      saveWikiPage(
        ws,
        principal,
        params.key,
        { name: params.page, content: body.content },
        body.revision === undefined ? {} : { expectRevision: body.revision },
      ),
  );
  route(
    app,
    {
      method: 'DELETE',
      url: PAGE,
      summary: 'Delete a wiki page (its history and attachments stay)',
      tag: 'wiki',
      access: 'writer',
      response: { 204: null },
    },
    async ({ principal, params }) => {
      await deleteWikiPage(ws, principal, params.key, params.page);
      return undefined;
    },
  );
  route(
    app,
    {
      method: 'POST',
      url: `${P}/wiki-preview`,
      summary: 'Render Markdown as a wiki page would, without saving (the editor’s preview)',
      tag: 'wiki',
      body: WikiPut.pick({ content: true }).extend({
        page: str
          .optional()
          .describe('The page it is the text of: its relative links and attachments resolve from there'),
      }),
      access: 'reader',
      response: { 200: loose({ html: str, links: z.array(WikiLink) }) },
    },
    async ({ principal, params, body }) => previewWiki(ws, principal, params.key, body.content, body.page),
  );
  route(
    app,
    {
      method: 'GET',
      url: `${PAGE}/attachments`,
      summary: 'Files attached to a wiki page',
      tag: 'wiki',
      access: 'reader',
      response: { 200: z.array(Attachment) },
    },
    async ({ principal, params }) => listAttachments(ws, principal, params.key, params.page),
  );
  route(
    app,
    {
      method: 'POST',
      url: `${PAGE}/attachments`,
      summary: 'Attach a file to a wiki page (multipart field `file`; over LLANO_MAX_ATTACHMENT_MB: 413)',
      tag: 'wiki',
      raw: true,
      multipart: z.object({ file: z.string().describe('The file') }),
      access: 'writer',
      response: { 201: Attachment },
    },
    async ({ principal, params, request, reply }) => {
      if (!request.isMultipart()) throw badRequest('Send the file as multipart/form-data in a field named file');
      const part = await request.file();
      if (!part || part.fieldname !== 'file') throw badRequest('The multipart body needs a field named file');
      const saved = await saveAttachment(ws, principal, params.key, params.page, {
        fileName: part.filename,
        stream: part.file,
      });
      void reply.code(201);
      return saved;
    },
  );
  route(
    app,
    {
      method: 'GET',
      url: `${PAGE}/attachments/{file}`,
      summary: 'An attached file (images inline, anything else as a download; never sniffed)',
      tag: 'wiki',
      raw: true,
      access: 'reader',
      response: { 200: { description: 'The file', content: { 'application/octet-stream': null, 'image/*': null } } },
    },
    async ({ principal, params, reply }) => {
      const file = await openAttachment(ws, principal, params.key, params.page, params.file);
      for (const [name, value] of Object.entries(file.headers)) void reply.header(name, value);
      return reply.send(file.stream);
    },
  );
  route(
    app,
    {
      method: 'DELETE',
      url: `${PAGE}/attachments/{file}`,
      summary: 'Remove a file from a wiki page',
      tag: 'wiki',
      access: 'writer',
      response: { 204: null },
    },
    async ({ principal, params }) => {
      await deleteAttachment(ws, principal, params.key, params.page, params.file);
      return undefined;
    },
  );

  route(
    app,
    {
      method: 'GET',
      url: `${P}/discussions`,
      summary: 'Discussions of the project, or of one object (object=dataset:trec), most recently active first',
      tag: 'discussions',
      query: z.object({ object: z.string().optional(), status: z.enum(['open', 'closed']).optional() }),
      access: 'reader',
      response: { 200: z.array(Discussion) },
    },
    async ({ principal, params, query }) => listDiscussions(ws, principal, params.key, query),
  );
  route(
    app,
    {
      method: 'POST',
      url: `${P}/discussions`,
      summary: 'Start a discussion on an object (any member); @username mentions notify members',
      tag: 'discussions',
      body: z.object({ object: str, title: str, message: str }),
      access: 'reader',
      response: { 201: Thread },
    },
    async ({ principal, params, body, reply }) => {
      const thread = await startDiscussion(ws, principal, params.key, body);
      void reply.code(201);
      return thread;
    },
  );
  route(
    app,
    {
      method: 'GET',
      url: `${P}/discussions/{id}`,
      summary: 'A discussion with its messages',
      tag: 'discussions',
      access: 'reader',
      response: { 200: Thread },
    },
    async ({ principal, params }) => getDiscussion(ws, principal, params.key, params.id),
  );
  route(
    app,
    {
      method: 'POST',
      url: `${P}/discussions/{id}/replies`,
      summary: 'Reply to a discussion; mentioned members and earlier participants are notified',
      tag: 'discussions',
      body: z.object({ message: str }),
      access: 'reader',
      response: { 201: Thread },
    },
    async ({ principal, params, body, reply }) => {
      const thread = await replyToDiscussion(ws, principal, params.key, params.id, body);
      void reply.code(201);
      return thread;
    },
  );
  route(
    app,
    {
      method: 'PATCH',
      url: `${P}/discussions/{id}`,
      summary: 'Close or reopen a discussion (its author or a project writer)',
      tag: 'discussions',
      body: z.object({ status: z.enum(['open', 'closed']) }),
      access: 'reader',
      response: { 200: Thread },
    },
    async ({ principal, params, body }) => setDiscussionStatus(ws, principal, params.key, params.id, body.status),
  );
  route(
    app,
    {
      method: 'GET',
      url: '/api/notifications',
      summary: 'Your notifications (mentions, replies), newest first, and how many are unread',
      tag: 'notifications',
      query: z.object({
        unread: z.enum(['true', 'false']).optional(),
        limit: z.coerce.number().int().min(1).max(200).optional(),
      }),
      access: 'user',
      response: { 200: loose({ unread: z.number(), items: z.array(Notification) }) },
    },
    async ({ principal, query }) =>
      listNotifications(ws, principal, { unread: query.unread === 'true', limit: query.limit }),
  );
  route(
    app,
    {
      method: 'POST',
      url: '/api/notifications/read',
      summary: 'Mark notifications read: some by id, or all',
      tag: 'notifications',
      body: z.object({ ids: z.array(z.number().int()).max(1000).optional(), all: z.boolean().optional() }),
      access: 'user',
      response: { 200: loose({ unread: z.number() }) },
    },
    async ({ principal, body }) => markNotificationsRead(ws, principal, body),
  );

  route(
    app,
    {
      method: 'GET',
      url: `${P}/tags`,
      summary: 'Every tagged or described object of the project',
      tag: 'tags',
      access: 'reader',
      response: { 200: z.array(Tags) },
    },
    async ({ principal, params }) => projectTags(ws, principal, params.key),
  );
  route(
    app,
    {
      method: 'GET',
      url: `${P}/tags/{kind}/{name}`,
      summary: 'Tags and description of an object (kind: dataset, recipe, scenario, dashboard, insight, wiki-page)',
      tag: 'tags',
      access: 'reader',
      response: { 200: Tags },
    },
    async ({ principal, params }) => getTags(ws, principal, params.key, params.kind, params.name),
  );
  route(
    app,
    {
      method: 'PUT',
      url: `${P}/tags/{kind}/{name}`,
      summary:
        'Set the tags (and description) of an object: kept in its body where it has such fields (datasets, recipes: a new revision), beside it otherwise',
      tag: 'tags',
      body: z.object({ tags: z.array(str), description: str.optional() }),
      access: 'writer',
      response: { 200: Tags },
    },
    async ({ principal, params, body }) => setTags(ws, principal, params.key, params.kind, params.name, body),
  );
  route(
    app,
    {
      method: 'GET',
      url: '/api/catalog/search',
      summary:
        'Search every project you may read: datasets by name, column, tag and description; recipes, scenarios, dashboards, insights, wiki pages. Ranked: exact name, prefix, name contains, column, tag, description, content',
      tag: 'catalog',
      query: SearchQuerySchema,
      access: 'user',
      response: { 200: loose({ total: z.number(), offset: z.number(), limit: z.number(), items: z.array(SearchHit) }) },
    },
    async ({ principal, query }) => searchCatalog(ws, principal, query),
  );
}

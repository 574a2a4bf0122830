import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailSent } from '../src/collab/notifications.js';
import { mentionsIn } from '../src/collab/discussions.js';
import { llano } from './support/cli.js';
import { startTestServer, type TestServer } from './support/llano-server.js';
import { startSmtpReceiver } from './support/receivers.js';

/**
 * Discussions on project objects over a real server: threads, replies, close and reopen;
 * @mentions notify members only (in the UI's notification list and by mail through a real SMTP
 * server), never outsiders; and the CLI.
 */

type Smtp = Awaited<ReturnType<typeof startSmtpReceiver>>;
type Thread = {
  id: string;
  object: string;
  status: string;
  replies: number;
  messages: { author: string; html: string }[];
};
type Notes = {
  unread: number;
  items: { id: number; kind: string; title: string; link: string; readAt: string | null }[];
};

let s: TestServer;
let smtp: Smtp;
const tokens: Record<string, string> = {};
const P = '/api/projects/TALK';

async function ok<T>(p: Promise<{ status: number; body: T }>, status = 200): Promise<T> {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body;
}

beforeAll(async () => {
  smtp = await startSmtpReceiver();
  s = await startTestServer({ smtpUrl: `smtp://127.0.0.1:${smtp.port}`, mailFrom: 'llano@example.org' });
  const admin = s.adminToken;
  for (const u of ['alice', 'bob', 'carol', 'mallory'])
    await ok(
      s.call('POST', '/api/users', {
        token: admin,
        body: { username: u, password: `password-${u}`, email: `${u}@example.org` },
      }),
      201,
    );
  await ok(s.call('POST', '/api/projects', { token: admin, body: { key: 'TALK' } }), 201);
  for (const [u, role] of [
    ['alice', 'writer'],
    ['bob', 'reader'],
    ['carol', 'reader'],
  ])
    await ok(s.call('PUT', `${P}/members/${u}`, { token: admin, body: { role } }));
  for (const u of ['alice', 'bob', 'carol', 'mallory']) tokens[u] = await s.login(u, `password-${u}`);
  await ok(s.upload(`${P}/datasets/trec/upload`, 'antenna,trec\nDA41,35\n', 'trec.csv'), 201);
}, 120_000);
afterAll(async () => {
  await s?.stop();
  await smtp?.stop();
});

describe('discussions', () => {
  it('finds @mentions, not e-mail addresses', () => {
    expect(mentionsIn('@alice and @bob.c, see you. mail me at x@carol.org @dave.')).toEqual(['alice', 'bob.c', 'dave']);
  });

  let thread: Thread;
  it('a reader starts a thread on a dataset; mentioned members get a notification and a mail, outsiders nothing', async () => {
    thread = await ok<Thread>(
      s.call('POST', `${P}/discussions`, {
        token: tokens.bob,
        body: {
          object: 'dataset:trec',
          title: 'Trec jump on DA41',
          message: 'Hi @alice, is the **jump** real? cc @mallory',
        },
      }),
      201,
    );
    expect(thread).toMatchObject({ object: 'dataset:trec', status: 'open', replies: 0 });
    expect(thread.messages[0].html).toContain('<strong>jump</strong>');
    const notes = await ok<Notes>(s.call('GET', '/api/notifications', { token: tokens.alice }));
    expect(notes.unread).toBe(1);
    expect(notes.items[0]).toMatchObject({ kind: 'mention', link: `/projects/TALK/discussions/${thread.id}` });
    expect(notes.items[0].title).toContain('bob mentioned you in "Trec jump on DA41"');
    // mallory is no member of TALK: mentioning her tells her nothing about it.
    expect((await ok<Notes>(s.call('GET', '/api/notifications', { token: tokens.mallory }))).items).toEqual([]);
    const mail = await smtp.next(0);
    await mailSent(s.ws);
    expect(mail.from).toBe('llano@example.org');
    expect(mail.to).toEqual(['alice@example.org']);
    expect(mail.data).toContain('Subject: =?UTF-8?Q?=5BLlano=5D_bob_mentioned_you');
    expect(mail.data).toContain('is the **jump** real?');
    expect(mail.data).toContain(`/projects/TALK/discussions/${thread.id}`);
    expect(smtp.mails.flatMap((m) => m.to)).not.toContain('mallory@example.org');
  });

  it('replies notify the earlier participants and whoever is mentioned', async () => {
    const replied = await ok<Thread>(
      s.call('POST', `${P}/discussions/${thread.id}/replies`, {
        token: tokens.alice,
        body: { message: 'Looks real; @carol can you check the cryostat log?' },
      }),
      201,
    );
    expect(replied.replies).toBe(1);
    expect(replied.messages.map((m) => m.author)).toEqual(['bob', 'alice']);
    await mailSent(s.ws);
    const bob = await ok<Notes>(s.call('GET', '/api/notifications', { token: tokens.bob }));
    expect(bob.items.map((n) => n.kind)).toEqual(['reply']);
    const carol = await ok<Notes>(s.call('GET', '/api/notifications', { token: tokens.carol }));
    expect(carol.items.map((n) => n.kind)).toEqual(['mention']);
    expect(smtp.mails.flatMap((m) => m.to).sort()).toEqual(
      ['alice@example.org', 'bob@example.org', 'carol@example.org'].sort(),
    );
  });

  it('marks notifications read', async () => {
    const before = await ok<Notes>(s.call('GET', '/api/notifications', { token: tokens.alice }));
    expect(
      await ok(s.call('POST', '/api/notifications/read', { token: tokens.alice, body: { ids: [before.items[0].id] } })),
    ).toEqual({
      unread: 0,
    });
    const after = await ok<Notes>(s.call('GET', '/api/notifications?unread=true', { token: tokens.alice }));
    expect(after).toEqual({ unread: 0, items: [] });
    // Someone else's ids change nothing of theirs.
    await ok(s.call('POST', '/api/notifications/read', { token: tokens.bob, body: { all: true } }));
    expect((await ok<Notes>(s.call('GET', '/api/notifications', { token: tokens.carol }))).unread).toBe(1);
  });

  it('lists per object and per project; closes and reopens (author or writer only)', async () => {
    await ok(s.call('PUT', `${P}/wiki/runbook`, { token: tokens.alice, body: { content: 'Runbook' } }));
    await ok(
      s.call('POST', `${P}/discussions`, {
        token: tokens.alice,
        body: { object: 'wiki:runbook', title: 'Outdated', message: 'Needs the new band 2 steps' },
      }),
      201,
    );
    const ofTrec = await ok<Thread[]>(s.call('GET', `${P}/discussions?object=dataset:trec`, { token: tokens.carol }));
    expect(ofTrec.map((d) => d.id)).toEqual([thread.id]);
    const all = await ok<Thread[]>(s.call('GET', `${P}/discussions`, { token: tokens.carol }));
    expect(all.map((d) => d.object).sort()).toEqual(['dataset:trec', 'wiki-page:runbook']);
    expect(
      (await s.call('PATCH', `${P}/discussions/${thread.id}`, { token: tokens.carol, body: { status: 'closed' } }))
        .status,
    ).toBe(403);
    const closed = await ok<Thread>(
      s.call('PATCH', `${P}/discussions/${thread.id}`, { token: tokens.bob, body: { status: 'closed' } }),
    );
    expect(closed.status).toBe('closed');
    expect((await ok<Thread[]>(s.call('GET', `${P}/discussions?status=open`, { token: tokens.bob }))).length).toBe(1);
    await ok(s.call('PATCH', `${P}/discussions/${thread.id}`, { token: tokens.alice, body: { status: 'open' } }));
  });

  it('refuses bad input and outsiders', async () => {
    const bad = async (body: unknown, what: string) => {
      const r = await s.call('POST', `${P}/discussions`, { token: tokens.bob, body });
      expect(r.status, JSON.stringify(r.body)).toBe(what === '404' ? 404 : 400);
      if (what !== '404') expect(JSON.stringify(r.body)).toContain(what);
    };
    await bad({ object: 'trec', title: 't', message: 'm' }, 'kind:name');
    await bad({ object: 'table:trec', title: 't', message: 'm' }, 'Unknown object kind');
    // Each field named once (it read "title: title: required; message: message: required").
    await bad({ object: 'dataset:trec', title: '', message: '' }, 'title: required; message: required');
    await bad({ object: 'dataset:nope', title: 't', message: 'm' }, '404');
    expect((await s.call('GET', `${P}/discussions`, { token: tokens.mallory })).status).toBe(404);
    expect(
      (
        await s.call('POST', `${P}/discussions/${thread.id}/replies`, {
          token: tokens.mallory,
          body: { message: 'hi' },
        })
      ).status,
    ).toBe(404);
  });

  it('llano discuss post, reply and list', async () => {
    const base = ['--url', s.url, '--token', tokens.carol, '-p', 'TALK'];
    const post = await llano([
      ...base,
      'discuss',
      'post',
      'dataset:trec',
      '--title',
      'From the CLI',
      '--message',
      'ping @bob',
    ]);
    expect(post.code, post.err).toBe(0);
    const id = /Started discussion (\S+)/.exec(post.out)![1];
    expect((await llano([...base, 'discuss', 'reply', id, '--message', 'pong'])).out).toContain('2 messages');
    const list = await llano([...base, 'discuss', 'list', '--object', 'dataset:trec']);
    expect(list.out).toContain('From the CLI');
  });
});

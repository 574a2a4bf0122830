import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  json: unknown;
  /** When the request's body had arrived (ISO), to compare with the times Llano logs. */
  at: string;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * A local HTTP server that records what it receives. Paths starting with /fail answer 500,
 * /hang never answers (until the server closes), anything else 200. `next(path)` resolves
 * with the next request to a path, so tests wait on events, not on time.
 */
export async function startHttpReceiver() {
  const received: ReceivedRequest[] = [];
  // Answers set by a test for a path prefix; `count` is how many requests that path had (1 for the first).
  const responders = new Map<string, (r: ReceivedRequest, count: number) => Answer>();
  const waiting: { path: string; resolve: (r: ReceivedRequest) => void }[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      let json: unknown;
      try {
        json = body ? JSON.parse(body) : null;
      } catch {
        json = null;
      }
      const r: ReceivedRequest = {
        method: req.method!,
        path: req.url!,
        headers: req.headers,
        body,
        json,
        at: new Date().toISOString(),
      };
      received.push(r);
      for (const w of waiting.filter((w) => w.path === r.path)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(r);
      }
      const custom = [...responders].find(([prefix]) => r.path.startsWith(prefix));
      if (custom) {
        const answer = custom[1](r, received.filter((x) => x.path === r.path).length);
        res.writeHead(answer.status, answer.headers ?? { 'content-type': 'text/plain' });
        res.end(answer.body ?? '');
        return;
      }
      if (r.path.startsWith('/hang')) {
        hanging.push(res);
        return;
      }
      res.writeHead(r.path.startsWith('/fail') ? 500 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: !r.path.startsWith('/fail') }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    of: (path: string) => received.filter((r) => r.path === path),
    /** Answers requests to paths starting with `prefix` with what `answer` returns (instead of the defaults above). */
    respond(prefix: string, answer: (r: ReceivedRequest, count: number) => Answer) {
      responders.set(prefix, answer);
    },
    /** The next request to `path` (or one already received and not yet taken, counting from `after`). */
    next(path: string, after = 0): Promise<ReceivedRequest> {
      const already = received.filter((r) => r.path === path)[after];
      if (already) return Promise.resolve(already);
      return new Promise((resolve) => waiting.push({ path, resolve }));
    },
    async stop() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
export type HttpReceiver = Awaited<ReturnType<typeof startHttpReceiver>>;

export interface ReceivedMail {
  from: string;
  to: string[];
  user: string | null;
  password: string | null;
  data: string;
}

/** A real SMTP server (smtp-server) accepting any login and recording each message. */
export async function startSmtpReceiver() {
  const mails: ReceivedMail[] = [];
  const waiting: ((m: ReceivedMail) => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onAuth(auth, _session, callback) {
      callback(null, { user: `${auth.username}:${auth.password}` });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const [user, password] = typeof session.user === 'string' ? session.user.split(':') : [null, null];
        const mail: ReceivedMail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user,
          password,
          data: Buffer.concat(chunks).toString(),
        };
        mails.push(mail);
        waiting.splice(0).forEach((w) => w(mail));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    mails,
    next: (after = 0): Promise<ReceivedMail> =>
      mails[after] ? Promise.resolve(mails[after]) : new Promise((resolve) => waiting.push(resolve)),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

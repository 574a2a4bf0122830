import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { VERSION } from '../version.js';
import type { OutboundPolicy } from './address-policy.js';
import { LAYOUT_CHARACTERS } from '../display-text.js';

/** Redirects followed at most; each target is checked like the first URL. */
export const MAX_REDIRECTS = 3;
/** Characters of an answer shown on a run: enough to see an error, too few to read a document out. */
export const EXCERPT_CHARS = 200;
const READ_BYTES = 4096;
const USER_AGENT = `Llano/${VERSION}`;
/** Headers still sent when a redirect leads to another origin (no credentials of the first one). */
const CROSS_ORIGIN_HEADERS = new Set(['user-agent', 'accept', 'content-type', 'x-llano-delivery', 'x-llano-signature']);

/** A request the policy does not allow: never retried, its message says what to ask an administrator. */
export class OutboundRefusedError extends Error {
  constructor(reason: string) {
    super(`refused: ${reason}; an administrator can allow it with LLANO_OUTBOUND_ALLOW`);
    this.name = 'OutboundRefusedError';
  }
}

export interface OutboundRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  policy: OutboundPolicy;
}

export interface OutboundResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The start of the body, control characters replaced, at most EXCERPT_CHARS: the rest is never read. */
  excerpt: string;
}

const abortError = (signal: AbortSignal): Error =>
  signal.reason instanceof Error ? signal.reason : new Error('aborted', { cause: signal.reason });

/** The URL as shown in logs and errors: without user name and password. */
export function displayUrl(url: string | URL): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return String(url);
  }
}

/** Text safe to show in one line: control and direction-changing characters become spaces, then it is cut. */
export function sanitizeExcerpt(text: string, max = EXCERPT_CHARS): string {
  const clean = text.replace(new RegExp(`${LAYOUT_CHARACTERS.source}+`, 'g'), ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/**
 * Resolves names once and hands the connection only addresses the policy allows, so a name
 * cannot answer one address to the check and another to the connection (DNS rebinding).
 * A name with any refused address is refused as a whole.
 */
function checkedLookup(policy: OutboundPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, family: options.family ?? 0, hints: options.hints }, (err, found) => {
      if (err) return callback(err, '', 0);
      const addresses: LookupAddress[] = found;
      if (!policy.allowsHost(hostname)) {
        for (const a of addresses) {
          const kind = policy.refusedKind(a.address);
          if (kind) return callback(new OutboundRefusedError(`${hostname} resolves to ${a.address}, ${kind}`), '', 0);
        }
      }
      if (options.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

function sendOnce(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  req: OutboundRequest,
) {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // Addresses written in the URL are never looked up: they are checked here.
  if (isIP(host) && !req.policy.allowsHost(host)) {
    const reason = req.policy.refusal(host);
    if (reason) return Promise.reject(new OutboundRefusedError(reason));
  }
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<OutboundResponse>((resolve, reject) => {
    const request = client.request(url, {
      method,
      headers: { 'user-agent': USER_AGENT, ...headers },
      lookup: checkedLookup(req.policy),
      signal: req.signal,
      agent: false, // a fresh connection each time: no socket reused past a check
    });
    request.on('error', reject);
    request.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      const done = () => {
        if (settled) return;
        settled = true;
        res.destroy();
        const text = Buffer.concat(chunks).subarray(0, READ_BYTES).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, excerpt: sanitizeExcerpt(text) });
      };
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        size += c.length;
        if (size >= READ_BYTES) done();
      });
      res.on('end', done);
      res.on('error', reject);
      // Cut off mid-body (aborted, connection lost): an error, not a short answer.
      res.on('close', () => {
        if (!settled) reject(req.signal?.aborted ? abortError(req.signal) : new Error('connection closed mid-answer'));
      });
    });
    request.end(body);
  });
}

/**
 * Every HTTP request the server makes on a user's behalf (HTTP steps, webhook and Slack
 * reporters) goes through here: only http(s), only addresses the policy allows, at most
 * MAX_REDIRECTS redirects (each checked again), and only a short excerpt of the answer.
 */
export async function outboundRequest(req: OutboundRequest): Promise<OutboundResponse> {
  let url = new URL(req.url);
  let method = (req.method ?? 'GET').toUpperCase();
  let headers = { ...req.headers };
  let body = req.body;
  for (let hop = 0; ; hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new OutboundRefusedError(`${url.protocol} URLs (only http and https)`);
    const res = await sendOnce(url, method, headers, body, req);
    const location = res.headers.location;
    if (![301, 302, 303, 307, 308].includes(res.status) || !location) return res;
    if (hop >= MAX_REDIRECTS) throw new Error(`${displayUrl(req.url)}: more than ${MAX_REDIRECTS} redirects`);
    const next = new URL(location, url);
    // As browsers do: 303 (and 301/302 after a POST) continue as a GET without the body.
    if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
      method = method === 'HEAD' ? 'HEAD' : 'GET';
      body = undefined;
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'content-type'));
    }
    if (next.origin !== url.origin)
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => CROSS_ORIGIN_HEADERS.has(k.toLowerCase())));
    url = next;
  }
}

import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { stringifyExact } from '../common/exact-json.js';
import { acceptsGzip, gzipJson, MIN_BYTES } from './compress-json.js';

/**
 * Answers made of objects that caches hand out unchanged (a tile's answer for one dataset version,
 * a chart's picture: src/insights) are the same bytes as long as they are the same objects. Such
 * an answer is stamped by the identities of its parts: the first request with a stamp serializes
 * and compresses it, later ones send those bytes again, and a browser that has them (its
 * If-None-Match names the stamp) gets a 304. What the handler checks (the principal's rights, the
 * audit) still runs on every request; only the writing of the same bytes is skipped.
 */

/** Identities are per process: a restarted server never answers 304 to an ETag of another's. */
const PROCESS = randomBytes(6).toString('base64url');
const identities = new WeakMap<object, number>();
let lastIdentity = 0;

function identityOf(part: object): number {
  let id = identities.get(part);
  if (id === undefined) identities.set(part, (id = ++lastIdentity));
  return id;
}

/** The stamp of an answer whose parts are these objects, by name and in this order. */
export function stampOf(prefix: string, parts: Iterable<[string, object]>): string {
  let stamp = prefix;
  for (const [name, part] of parts) stamp += `|${name}=${identityOf(part)}`;
  return stamp;
}

interface Written {
  etag: string;
  json: string;
  gzip: Buffer | null;
}

/** Answers written, by stamp; a few pages' worth (a 20-tile page with its pictures is ~350 KB). */
const KEPT_CHARACTERS = 16_000_000;

class WrittenAnswers {
  private readonly entries = new Map<string, Written>();
  private characters = 0;
  /** Each answer written gets the next number: its ETag is never another answer's. */
  private count = 0;

  get(stamp: string, value: () => unknown): Written {
    const hit = this.entries.get(stamp);
    if (hit) {
      this.entries.delete(stamp);
      this.entries.set(stamp, hit);
      return hit;
    }
    const json = stringifyExact(value());
    const written: Written = {
      // Weak: the same JSON, not necessarily the same bytes on the wire (gzip or not).
      etag: `W/"${PROCESS}-${++this.count}"`,
      json,
      gzip: json.length >= MIN_BYTES ? gzipJson(json) : null,
    };
    this.entries.set(stamp, written);
    this.characters += json.length;
    for (const [old, kept] of this.entries) {
      if (this.characters <= KEPT_CHARACTERS) break;
      this.entries.delete(old);
      this.characters -= kept.json.length;
    }
    return written;
  }
}

const written = new WrittenAnswers();

/**
 * Sends `value` (stamped `stamp`: see `stampOf`) as JSON, its bytes written once per stamp, with
 * an ETag so that a browser revalidates instead of downloading it again (`no-cache`: it always
 * asks, since the next request may have another stamp). Returns the reply, sent.
 */
export function sendStable(request: FastifyRequest, reply: FastifyReply, stamp: string, value: () => unknown) {
  const answer = written.get(stamp, value);
  void reply.header('etag', answer.etag).header('cache-control', 'private, no-cache').header('vary', 'accept-encoding');
  if (request.headers['if-none-match'] === answer.etag) return reply.code(304).send();
  void reply.type('application/json; charset=utf-8');
  if (answer.gzip && acceptsGzip(request)) return reply.header('content-encoding', 'gzip').send(answer.gzip);
  return reply.send(answer.json);
}

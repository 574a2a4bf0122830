import { createHmac, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  displayUrl,
  outboundRequest,
  OutboundRefusedError,
  type OutboundResponse,
} from '../../common/outbound/outbound-request.js';
import { outboundPolicy } from '../outbound.js';
import type { ReporterContext } from '../types.js';

/** Waits before the 2nd and 3rd attempt: a receiver restarting gets a few seconds, a run's end is not held long. */
export const RETRY_DELAYS_MS = [1000, 4000];

/** The signature header value of a body: `sha256=` and the hex HMAC-SHA256 of the exact bytes sent. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

class RetryableError extends Error {}

async function attempt(
  ctx: ReporterContext,
  url: string,
  shown: string,
  body: string,
  headers: Record<string, string>,
) {
  let res: OutboundResponse;
  try {
    res = await outboundRequest({
      url,
      method: 'POST',
      headers,
      body,
      signal: ctx.signal,
      policy: outboundPolicy(ctx.ws),
    });
  } catch (e) {
    if (e instanceof OutboundRefusedError || ctx.signal.aborted) throw e;
    throw new RetryableError(`${shown}: ${(e as Error).message}`);
  }
  if (res.status >= 200 && res.status < 300) return;
  const message = `${shown} answered ${res.status}${res.excerpt ? `: ${res.excerpt}` : ''}`;
  throw res.status >= 500 ? new RetryableError(message) : new Error(message);
}

/**
 * POSTs JSON to a webhook: `X-Llano-Delivery` names the delivery (the same on every attempt, so
 * a receiver can drop duplicates), `X-Llano-Signature` signs the body when there is a secret.
 * Network errors and 5xx answers are tried again (3 attempts in all); the signal stops the waits.
 */
export async function deliverJson(
  ctx: ReporterContext,
  url: string,
  payload: unknown,
  options: {
    headers?: Record<string, string>;
    secret?: string;
    deliveryId?: string;
    /** How the URL appears in errors (run logs): a Slack URL is itself a secret. Default: without query. */
    shownAs?: string;
  } = {},
): Promise<void> {
  const body = JSON.stringify(payload);
  const shown = options.shownAs ?? displayUrl(url).replace(/[?#].*$/, '');
  const own = Object.entries(options.headers ?? {}).map(([k, v]): [string, string] => [k.toLowerCase(), v]);
  const headers: Record<string, string> = {
    ...Object.fromEntries(own),
    'content-type': 'application/json',
    'x-llano-delivery': options.deliveryId ?? randomUUID(),
    ...(options.secret ? { 'x-llano-signature': signBody(options.secret, body) } : {}),
  };
  const attempts = RETRY_DELAYS_MS.length + 1;
  const startedAt: string[] = [];
  for (let i = 0; ; i++) {
    startedAt.push(ctx.now());
    try {
      return await attempt(ctx, url, shown, body, headers);
    } catch (e) {
      if (!(e instanceof RetryableError)) throw e;
      // Each attempt is told when it fails; the last one says how many there were and when they started.
      if (i + 1 >= attempts)
        throw new Error(`${e.message} (${attempts} attempts, started at ${startedAt.join(', ')})`, { cause: e });
      ctx.attemptFailed(i + 1, attempts, e.message);
      await sleep(RETRY_DELAYS_MS[i], undefined, { signal: ctx.signal });
    }
  }
}

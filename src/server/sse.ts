import type { FastifyReply, FastifyRequest } from 'fastify';

/** A server-sent-events response: send events, close it; it closes itself when the client goes. */
export interface EventStream {
  send(event: string, data: unknown): void;
  close(): void;
  /** Runs `fn` once when the stream closes, whoever closes it. */
  onClose(fn: () => void): void;
}

/** Takes over the reply (Fastify sends nothing more) and keeps the connection alive with comments every 15 s. */
export function openEventStream(request: FastifyRequest, reply: FastifyReply): EventStream {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  const closers: (() => void)[] = [];
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    for (const fn of closers) fn();
    res.end();
  };
  request.raw.on('close', close);
  return {
    send: (event, data) => void res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
    close,
    onClose: (fn) => void closers.push(fn),
  };
}

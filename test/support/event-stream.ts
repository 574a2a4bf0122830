/** One server-sent event, its data parsed. */
export interface ServerEvent {
  type: string;
  data: unknown;
}

/**
 * A real HTTP client of a server-sent-events endpoint that keeps every event it received, so a
 * test can wait for one (`next`) without sleeping. `close` ends the connection.
 */
export async function followEvents(url: string, token: string) {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  if (res.status !== 200 || !res.body) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  const events: ServerEvent[] = [];
  const waiters: (() => void)[] = [];
  const reading = (async () => {
    const decoder = new TextDecoder();
    let text = '';
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = text.indexOf('\n\n')) >= 0) {
        const block = text.slice(0, end);
        text = text.slice(end + 2);
        const type = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (type && data !== undefined) events.push({ type, data: JSON.parse(data) as unknown });
      }
      waiters.splice(0).forEach((wake) => wake());
    }
  })().catch(() => undefined);
  return {
    events,
    /** The first event (received so far or later) that `match` accepts; fails after `timeoutMs`. */
    async next(match: (e: ServerEvent) => boolean, timeoutMs = 60_000): Promise<ServerEvent> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no such event within ${timeoutMs} ms: ${JSON.stringify(events)}`);
        await new Promise<void>((wake) => {
          waiters.push(wake);
          setTimeout(wake, 1000);
        });
      }
    },
    close: async () => {
      controller.abort();
      await reading;
    },
  };
}

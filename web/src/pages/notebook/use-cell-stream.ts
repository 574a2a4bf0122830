import { useEffect, useRef } from 'react';
import { projectApi } from '../../api/client';
import type { CellOutput } from '../../api/types';
import { useLatest } from '../../lib/use-latest';

/** Longest a run waits for the stream to be followed: without it the run still answers every output, at its end. */
const CONNECT_WAIT_MS = 5000;

/**
 * Follows the page's kernel session (server-sent events, as job pages follow their job) so that
 * a running cell shows what it prints as it comes: `onOutput(index, output)` gets each output.
 * Answers `connected()`, which a run awaits so that its first lines are not missed.
 */
export function useCellStream(
  projectKey: string,
  id: string,
  session: string,
  enabled: boolean,
  onOutput: (index: number, output: CellOutput) => void,
): () => Promise<void> {
  const handler = useLatest(onOutput);
  const connected = useRef<Promise<void>>(Promise.resolve());
  useEffect(() => {
    if (!enabled) return;
    const es = new EventSource(`${projectApi(projectKey, 'notebooks', id, 'events')}?session=${session}`, {
      withCredentials: true,
    });
    let ready = () => {};
    connected.current = new Promise<void>((resolve) => {
      ready = resolve;
      setTimeout(resolve, CONNECT_WAIT_MS);
    });
    es.addEventListener('ready', () => ready());
    es.addEventListener('output', (e: MessageEvent<string>) => {
      const { index, output } = JSON.parse(e.data) as { index: number; output: CellOutput };
      handler.current(index, output);
    });
    return () => es.close();
  }, [projectKey, id, session, enabled, handler]);
  return () => connected.current;
}

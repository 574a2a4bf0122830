import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, queryString, type Query } from '../api/client';
import { takeEarly } from './early-fetch';
import { useLatest } from './use-latest';

export interface ApiState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  setData: (update: T | ((old: T | undefined) => T)) => void;
}

/**
 * GETs `url` (null: nothing yet) and re-fetches when the URL or query changes. Late answers
 * of superseded requests are dropped.
 */
export function useApi<T>(url: string | null, query?: Query): ApiState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const key = url === null ? null : url + JSON.stringify(query ?? {});
  // Loading until the current request (URL, query and reload count) has settled.
  const request = key === null ? null : `${tick} ${key}`;
  const [settled, setSettled] = useState<string | null>(null);
  const loading = request !== null && settled !== request;
  const queryRef = useLatest(query);

  useEffect(() => {
    if (url === null) return;
    const controller = new AbortController();
    const early = tick === 0 ? takeEarly<T>(url + queryString(queryRef.current)) : undefined;
    const fresh = () => api.get<T>(url, queryRef.current, controller.signal);
    // The server's refusal (404, 403) stands: asking again would only repeat it.
    const unanswered = (e: unknown) => (e instanceof ApiError && e.status > 0 ? Promise.reject(e) : fresh());
    (early ? early.catch(unanswered) : fresh())
      .then((d) => {
        setData(d);
        setError(null);
      })
      .catch((e) => {
        if ((e as Error).name !== 'AbortError') setError(e);
      })
      .finally(() => {
        if (!controller.signal.aborted) setSettled(request);
      });
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload, setData };
}

/** Re-runs `fn` every `ms` while `active`. */
export function useInterval(fn: () => void, ms: number, active = true): void {
  const saved = useLatest(fn);
  useEffect(() => {
    if (!active) return;
    const id = setInterval(() => saved.current(), ms);
    return () => clearInterval(id);
  }, [ms, active, saved]);
}

/**
 * A small demo-like project for the browser tests and the screenshots: antenna receiver
 * temperatures, a SQL recipe averaging them per antenna, built once.
 */
export interface ApiClient {
  /** `T`: the body the caller expects (not checked). */
  call<T = unknown>(method: string, url: string, body?: unknown): Promise<T>;
  upload<T = unknown>(url: string, content: string, fileName: string): Promise<T>;
}

export function apiClient(baseUrl: string, token: string): ApiClient {
  const call = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
    const res = await fetch(baseUrl + url, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : null;
    if (!res.ok) throw new Error(`${method} ${url}: HTTP ${res.status} ${text}`);
    return parsed as T;
  };
  const upload = async <T>(url: string, content: string, fileName: string): Promise<T> => {
    const form = new FormData();
    form.set('file', new Blob([content]), fileName);
    const res = await fetch(baseUrl + url, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${token}` },
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`upload ${url}: HTTP ${res.status} ${text}`);
    return JSON.parse(text) as T;
  };
  return { call, upload };
}

/** A deterministic pseudo-random generator, so screenshots are stable. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Receiver temperatures: antenna, band, time, trec (K), with a drift on one antenna. */
export function receiverCsv(rows: number, seed = 7): string {
  const r = rng(seed);
  const antennas = Array.from({ length: 12 }, (_, i) => `DA${41 + i}`);
  const lines = ['antenna,band,observed_at,trec_k,elevation_deg'];
  const start = Date.UTC(2022, 2, 1);
  for (let i = 0; i < rows; i++) {
    const antenna = antennas[i % antennas.length];
    const band = [3, 6, 7][Math.floor(r() * 3)];
    const t = new Date(start + i * 60_000).toISOString().replace('T', ' ').slice(0, 19);
    const drift = antenna === 'DA47' ? (i / rows) * 18 : 0;
    const trec = (40 + band * 3 + drift + (r() - 0.5) * 8).toFixed(2);
    const elevation = (25 + r() * 60).toFixed(1);
    lines.push(`${antenna},${band},${t},${trec},${elevation}`);
  }
  return lines.join('\n') + '\n';
}

export const TREC_BY_ANTENNA_SQL = `SELECT antenna, band, count(*) AS measurements, round(avg(trec_k), 2) AS mean_trec_k, round(max(trec_k), 2) AS max_trec_k
FROM receiver_temps
GROUP BY antenna, band
ORDER BY antenna, band`;

/**
 * JSON call to a Llano server in another process: optional Bearer token, parsed body; a status
 * of 400 or more throws with the method, URL, status and body, so a test fails where it called.
 * `T` is the body the test expects (not checked).
 */
export async function api<T = unknown>(
  base: string,
  token: string | null,
  method: string,
  url: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(base + url, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** JSON text (a CLI's `--json` output, an event's data) as the body the test expects (not checked). */
export function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

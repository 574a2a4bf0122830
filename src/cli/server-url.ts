import { badRequest } from '../common/errors.js';

/** Hosts where plain http is the obvious meaning of a URL written without a scheme. */
const LOCAL_HOST = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/i;

/**
 * The server URL as typed (`--url`, `llano login URL`): `localhost:7370` means http://localhost:7370;
 * another host needs its scheme (http or https is the user's to say), and the error shows the form.
 */
export function serverUrl(text: string): string {
  const typed = text.trim();
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(typed) ? typed : LOCAL_HOST.test(typed) ? `http://${typed}` : null;
  if (url === null || !URL.canParse(url))
    throw badRequest(`Not a server URL: ${JSON.stringify(text)}: give the full URL, e.g. https://host:port`);
  return url;
}

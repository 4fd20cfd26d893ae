import { SessionsCorsError } from './errors.js';

/**
 * Tells a request the browser refused under CORS from a failed connection: both reject fetch with the same bare
 * TypeError (by design, so a page cannot probe other origins), and `navigator.onLine` says nothing about one server.
 * Two simple GETs of the silo's /health/live tell them apart: one in `no-cors` mode, which CORS never blocks, so it
 * succeeds exactly when the silo is reachable; then one in `cors` mode, which fails when the silo does not allow this
 * page's origin. Only in a browser page on another origin than the silo's; elsewhere there is no CORS.
 * @returns the error to throw at once, or undefined to treat the failure as a dropped connection.
 */
export async function corsRefusal(fetchFn: typeof fetch, baseUrl: string, sentApiKey: boolean, failure: unknown): Promise<SessionsCorsError | undefined> {
  const pageOrigin = (globalThis as { location?: { origin?: string } }).location?.origin;
  const siloOrigin = new URL(baseUrl).origin;
  if (!pageOrigin || pageOrigin === 'null' || pageOrigin === siloOrigin) return undefined;
  const health = baseUrl + '/health/live';
  try {
    await fetchFn(health, { mode: 'no-cors', credentials: 'omit' });
  } catch {
    return undefined; // the silo is unreachable: a network failure, retried as one
  }
  let originAllowed = true;
  try {
    await fetchFn(health, { mode: 'cors', credentials: 'omit' });
  } catch {
    originAllowed = false;
  }
  if (!originAllowed) {
    return new SessionsCorsError(`The browser blocked the request to ${siloOrigin} (CORS): the silo answers, but does not allow pages from ` +
      `${pageOrigin}. Add that origin to the silo's Cors:Origins (e.g. Cors__Origins=${pageOrigin}).`, { cause: failure });
  }
  if (sentApiKey) {
    return new SessionsCorsError(`The browser blocked the request to ${siloOrigin} (CORS): the silo lets pages send user tokens, never an ` +
      `API key (X-Api-Key). Have your backend mint a token with createUserToken and pass it as \`token\`.`, { cause: failure });
  }
  return undefined; // the origin is allowed: the connection itself failed
}

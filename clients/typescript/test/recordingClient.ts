import { SessionsClient } from '../src/index.js';
import type { TestSilo } from './silo.js';

/** A tenant-key client of `silo` that records each request it sends as "METHOD /v1/sessions/{id}/…" in `requests`,
 * so a test can assert what was (or was not) sent. */
export function recordingClient(silo: TestSilo, requests: string[]): SessionsClient {
  return new SessionsClient({
    baseUrl: silo.baseUrl, apiKey: silo.apiKey,
    fetch: (url, init) => {
      requests.push(`${init?.method ?? 'GET'} ${new URL(String(url)).pathname.replace(/sessions\/[^/]+/, 'sessions/{id}')}`);
      return fetch(url, init);
    },
  });
}

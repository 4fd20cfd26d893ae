import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OrleansSession, SessionsClient, type TokenGrant } from '../src/index.js';
import { siloForThisFile, type TestSilo } from './silo.js';
import { converse } from './weatherConversation.js';

let silo: TestSilo;
let backend: SessionsClient;
siloForThisFile((started, apiClient) => { silo = started; backend = apiClient; });

/** A token callback that counts its calls, as a page's call to its backend would be. */
function counting(grant: () => Promise<TokenGrant>): { token: () => Promise<TokenGrant>; calls: () => number } {
  let calls = 0;
  return { token: () => { calls++; return grant(); }, calls: () => calls };
}

/** A fetch that counts the requests it sends. */
function countingFetch(): { fetch: typeof fetch; requests: () => number } {
  let requests = 0;
  return { fetch: (input, init) => { requests++; return fetch(input, init); }, requests: () => requests };
}

test('the token callback is called once for many requests: a bare JWT is kept until shortly before its exp', async () => {
  const tokens = counting(async () => (await backend.createUserToken('nia', 600)).token);
  const sent = countingFetch();
  const client = new SessionsClient({ baseUrl: silo.baseUrl, token: tokens.token, fetch: sent.fetch });
  const session = new OrleansSession({ client });

  await converse(session); // three runs of the real Runner
  await session.getItems();

  assert.ok(sent.requests() >= 7, `${sent.requests()} requests`);
  assert.equal(tokens.calls(), 1);
});

test('{ token, expiresAt } (what createUserToken answers) is kept until shortly before expiresAt', async () => {
  const kept = counting(() => backend.createUserToken('oli', 600));
  const client = new SessionsClient({ baseUrl: silo.baseUrl, token: kept.token });
  await Promise.all([client.listSessions('oli'), client.listSessions('oli'), client.listSessions('oli')]);
  await client.listSessions('oli');
  assert.equal(kept.calls(), 1, 'concurrent first requests share one call');

  // A token whose expiresAt has come is renewed before the next request rather than sent.
  const expiring = counting(async () => ({ token: (await backend.createUserToken('oli', 600)).token, expiresAt: new Date(Date.now() - 1) }));
  const renewing = new SessionsClient({ baseUrl: silo.baseUrl, token: expiring.token });
  await renewing.listSessions('oli');
  await renewing.listSessions('oli');
  assert.equal(expiring.calls(), 2);
});

test('a 401 asks the callback once more and repeats the request with the new token', async () => {
  const good = await backend.createUserToken('pia', 600);
  let calls = 0;
  const client = new SessionsClient({
    baseUrl: silo.baseUrl,
    token: () => (++calls === 1 ? { token: 'revoked', expiresAt: good.expiresAt } : good),
  });
  const created = await client.createSession({});
  assert.equal(created.userId, 'pia');
  assert.equal(calls, 2);
  await client.getSession(created.sessionId);
  assert.equal(calls, 2, 'the new token is kept');

  const alwaysBad = new SessionsClient({ baseUrl: silo.baseUrl, token: () => 'revoked' });
  await assert.rejects(alwaysBad.listSessions('pia'), (error: { status?: number }) => error.status === 401);
});

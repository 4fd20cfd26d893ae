import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { OrleansSession, SessionsApiError, SessionsClient, type SessionEvent } from '../src/index.js';
import { startSilo, type TestSilo } from './silo.js';

let silo: TestSilo;
let backend: SessionsClient;

before(async () => {
  silo = await startSilo({ 'RateLimit:UserRequestsPerSecond': '2', 'RateLimit:UserBurst': '2' });
  backend = new SessionsClient({ baseUrl: silo.baseUrl, apiKey: silo.apiKey });
});

after(async () => {
  await silo.stop();
});

test('sessions, items, listings and JSON data', async () => {
  const info = await backend.createSession({ userId: 'erin', sessionId: 'erin-1', title: 'Trip', metadata: { plan: 'rome' } });
  assert.equal(info.userId, 'erin');
  assert.deepEqual(await backend.appendItems('erin-1', { items: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }], operationId: 'op-1', agent: 'guide' }),
    { firstSeq: 1, lastSeq: 2, count: 2 });
  assert.deepEqual(await backend.appendItems('erin-1', { items: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }], operationId: 'op-1', agent: 'guide' }),
    { firstSeq: 1, lastSeq: 2, count: 2 }, 'a retried operation id is stored once');
  assert.deepEqual((await backend.getItems('erin-1', { limit: 1 })).items.map(i => i.item), [{ role: 'assistant', content: 'hello' }]);
  assert.deepEqual((await backend.getItems('erin-1', { role: 'user' })).items.map(i => i.seq), [1]);
  assert.equal((await backend.popItem('erin-1'))?.seq, 2);
  assert.equal((await backend.getSession('erin-1')).currentAgent, 'guide');

  await backend.setData('erin-1', 'prefs', { theme: 'dark' });
  assert.deepEqual(await backend.updateData('erin-1', 'prefs', ['notify', 'push'], true), { theme: 'dark', notify: { push: true } });
  assert.deepEqual(await backend.getData('erin-1', 'prefs'), { theme: 'dark', notify: { push: true } });
  assert.equal(await backend.getData('erin-1', 'absent'), undefined);

  const listed = [];
  for await (const session of backend.listAllSessions('erin', 1)) listed.push(session.sessionId);
  assert.deepEqual(listed, ['erin-1']);
  await backend.deleteUser('erin');
  await assert.rejects(backend.getSession('erin-1'), (error: SessionsApiError) => error.status === 404 && error.field === 'sessionId');
});

test('a user token reaches only its user, and bad input is a problem naming the field', async () => {
  await backend.createSession({ userId: 'finn', sessionId: 'finn-1' });
  const token = await backend.createUserToken('gail', 600);
  assert.equal(token.tokenType, 'Bearer');
  const browser = new SessionsClient({ baseUrl: silo.baseUrl, token: () => token.token });

  const own = new OrleansSession({ client: browser });
  await own.addItems([{ role: 'user', content: 'mine' }]);
  assert.equal((await backend.getSession(await own.getSessionId())).userId, 'gail');
  await assert.rejects(browser.getItems('finn-1'), (error: SessionsApiError) => error.status === 404);
  await assert.rejects(browser.createUserToken('gail'), (error: SessionsApiError) => error.status === 403);
  await assert.rejects(new SessionsClient({ baseUrl: silo.baseUrl }).getItems('finn-1'), (error: SessionsApiError) => error.status === 401);
  await assert.rejects(backend.appendItems('finn-1', { items: [] }), (error: SessionsApiError) => error.status === 400 && error.field === 'items');
});

test('live events arrive in order, each once, and resume after the last one seen', async () => {
  await backend.createSession({ userId: 'hana', sessionId: 'hana-1' });
  const token = await backend.createUserToken('hana');
  const browser = new SessionsClient({ baseUrl: silo.baseUrl, token: token.token });
  const abort = new AbortController();
  const seen: SessionEvent[] = [];
  const reading = (async () => {
    for await (const event of browser.streamEvents('hana-1', { signal: abort.signal })) {
      seen.push(event);
      if (seen.length === 3) break;
    }
  })();
  await new Promise(resolve => setTimeout(resolve, 500)); // the stream starts at the next change
  await backend.appendItems('hana-1', { items: [{ role: 'user', content: 'one' }] });
  await backend.appendItems('hana-1', { items: [{ role: 'assistant', content: 'two' }] });
  await backend.popItem('hana-1');
  await reading;
  assert.deepEqual(seen.map(e => e.type), ['append', 'append', 'pop']);
  assert.deepEqual(seen[0]!.items.map(i => i.item), [{ role: 'user', content: 'one' }]);

  // Resuming after the first event delivers the second and third again, nothing else.
  const resumed: string[] = [];
  for await (const event of browser.streamEvents('hana-1', { lastEventId: seen[0]!.id, signal: abort.signal })) {
    resumed.push(event.type);
    if (resumed.length === 2) break;
  }
  abort.abort();
  assert.deepEqual(resumed, ['append', 'pop']);
});

test('reads and writes with an operation id are retried after a 429, as Retry-After says; others are not', async () => {
  await backend.createSession({ userId: 'jo', sessionId: 'jo-1' });
  const token = (await backend.createUserToken('jo')).token;
  const patient = new SessionsClient({ baseUrl: silo.baseUrl, token });
  const started = Date.now();
  for (let i = 0; i < 4; i++) await patient.getItems('jo-1'); // a burst of 2, then 2 per second
  assert.ok(Date.now() - started >= 900, 'waited for the bucket to refill');
  await patient.appendItems('jo-1', { items: [{ role: 'user', content: 'once' }], operationId: 'jo-op' });
  assert.equal((await backend.getItems('jo-1')).items.length, 1);

  const impatient = new SessionsClient({ baseUrl: silo.baseUrl, token, retries: 0 });
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) {
    try {
      await impatient.getItems('jo-1');
      statuses.push(200);
    } catch (error) {
      statuses.push((error as SessionsApiError).status);
      assert.ok(((error as SessionsApiError).retryAfter ?? 0) >= 1);
    }
  }
  assert.ok(statuses.includes(429), statuses.join());
});

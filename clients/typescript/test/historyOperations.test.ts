import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SessionsApiError, SessionsClient, type AppendResult, type JsonObject, type SessionEvent, type StoredItem } from '../src/index.js';
import { siloForThisFile, type TestSilo } from './silo.js';

let silo: TestSilo;
let client: SessionsClient;
siloForThisFile((started, apiClient) => { silo = started; client = apiClient; });

function messages(prefix: string, count: number): JsonObject[] {
  return Array.from({ length: count }, (_, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content: `${prefix}-${i + 1}` }));
}

async function allItems(sessionId: string): Promise<StoredItem[]> {
  return (await client.getItems(sessionId)).items;
}

/** Resolves once `check` holds, polling until the deadline. */
async function until(check: () => boolean | Promise<boolean>, what: string, deadlineMs = 20_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}

async function refusal(call: Promise<unknown>): Promise<SessionsApiError> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof SessionsApiError, `a SessionsApiError, not ${String(error)}`);
    return error;
  }
  assert.fail('the call was expected to be refused');
}

test('a fork holds the source\'s items through throughSeq, names its origin and is listed for its owner', async () => {
  await client.appendItems('fork-src', { userId: 'fiona', items: messages('src', 6) });

  const fork = await client.forkSession('fork-src', { throughSeq: 4, title: 'the other way' });

  assert.deepEqual(fork.forkedFrom, { sessionId: 'fork-src', seq: 4 });
  assert.equal(fork.userId, 'fiona');
  assert.equal(fork.title, 'the other way');
  assert.equal(fork.itemCount, 4);
  const sourcePrefix = (await allItems('fork-src')).filter(i => i.seq <= 4);
  assert.deepEqual((await allItems(fork.sessionId)).map(i => [i.seq, i.item]), sourcePrefix.map(i => [i.seq, i.item]));
  assert.equal((await client.getSession('fork-src')).forkedFrom, null, 'the source is no fork');
  await until(async () => (await client.listSessions('fiona')).sessions.some(s => s.sessionId === fork.sessionId),
    'the fork in its owner\'s listing');
});

test('a fork with an operationId answers the same session when retried', async () => {
  await client.appendItems('fork-retry', { userId: 'gus', items: messages('r', 3) });

  const first = await client.forkSession('fork-retry', { operationId: 'fork-op-1' });
  await client.appendItems('fork-retry', { items: messages('later', 2) });
  const retry = await client.forkSession('fork-retry', { operationId: 'fork-op-1' });

  assert.equal(retry.sessionId, first.sessionId);
  assert.deepEqual(retry.forkedFrom, { sessionId: 'fork-retry', seq: 3 });
  assert.equal((await allItems(first.sessionId)).length, 3, 'the retry copied nothing more');
  const forksListed = async () => (await client.listSessions('gus')).sessions.filter(s => s.forkedFrom?.sessionId === 'fork-retry');
  await until(async () => (await forksListed()).length > 0, 'the fork in its owner\'s listing');
  assert.deepEqual((await forksListed()).map(s => s.sessionId), [first.sessionId], 'one fork, not two');
});

test('a fork through a seq beyond the source\'s lastSeq is refused naming throughSeq; an unknown source is 404', async () => {
  await client.appendItems('fork-short', { userId: 'hal', items: messages('s', 2) });

  const beyond = await refusal(client.forkSession('fork-short', { throughSeq: 3 }));
  assert.equal(beyond.status, 400);
  assert.equal(beyond.field, 'throughSeq');

  const unknown = await refusal(client.forkSession('no-such-session'));
  assert.equal(unknown.status, 404);
});

test('a rewind removes the items after afterSeq, keeps lastSeq, sends one rewind event and answers a retry the same', async () => {
  await client.appendItems('rewind-1', { userId: 'ivy', items: messages('w', 5) });
  const abort = new AbortController();
  const stream = client.streamEvents('rewind-1', { afterSeq: 4, signal: abort.signal });
  const first = (await stream.next()).value as SessionEvent;
  assert.deepEqual([first.type, first.firstSeq, first.lastSeq], ['append', 5, 5], 'the stream is live');

  const rewound = await client.rewindItems('rewind-1', 2, { operationId: 'rewind-op' });
  const event = (await stream.next()).value as SessionEvent;
  await client.appendItems('rewind-1', { items: messages('after', 1) });
  const next = (await stream.next()).value as SessionEvent;
  abort.abort();

  assert.deepEqual(rewound, { afterSeq: 2, removedCount: 3, lastSeq: 5 });
  assert.deepEqual([event.type, event.firstSeq, event.lastSeq], ['rewind', 3, 5]);
  assert.deepEqual([next.type, next.firstSeq], ['append', 6], 'one rewind event, then the next change; seqs are not reused');
  assert.deepEqual((await allItems('rewind-1')).map(i => i.seq), [1, 2, 6]);

  const retry = await client.rewindItems('rewind-1', 2, { operationId: 'rewind-op' });
  assert.deepEqual(retry, rewound, 'a retry answers the same');
  assert.deepEqual((await allItems('rewind-1')).map(i => i.seq), [1, 2, 6], 'and removes nothing more');
  assert.equal((await client.getSession('rewind-1')).lastSeq, 6);
});

test('a rewind beyond the last seq is refused naming afterSeq and changes nothing', async () => {
  await client.appendItems('rewind-2', { userId: 'ivy', items: messages('x', 2) });

  const error = await refusal(client.rewindItems('rewind-2', 3));

  assert.equal(error.status, 400);
  assert.equal(error.field, 'afterSeq');
  assert.equal((await allItems('rewind-2')).length, 2);
});

test('maxItems trims the oldest items in the append that exceeds it, counts them and sends a trim event', async () => {
  const created = await client.createSession({ userId: 'jo', sessionId: 'capped', maxItems: 3 });
  assert.deepEqual([created.maxItems, created.trimmedItems], [3, 0]);
  await client.appendItems('capped', { items: messages('c', 3) });
  const abort = new AbortController();
  const stream = client.streamEvents('capped', { afterSeq: 2, signal: abort.signal });
  assert.equal(((await stream.next()).value as SessionEvent).lastSeq, 3, 'the stream is live');

  await client.appendItems('capped', { items: messages('d', 2) });
  const events: SessionEvent[] = [];
  for await (const event of stream) {
    events.push(event);
    if (events.length === 2) break;
  }
  abort.abort();

  assert.deepEqual((await allItems('capped')).map(i => i.seq), [3, 4, 5]);
  const info = await client.getSession('capped');
  assert.deepEqual([info.maxItems, info.trimmedItems, info.itemCount, info.lastSeq], [3, 2, 3, 5]);
  const trims = events.filter(e => e.type === 'trim');
  assert.deepEqual(trims.map(e => [e.firstSeq, e.lastSeq]), [[1, 2]]);
  assert.deepEqual(events.filter(e => e.type === 'append').map(e => [e.firstSeq, e.lastSeq]), [[4, 5]]);
});

test('maxItems on an append sets the cap from that append on', async () => {
  await client.appendItems('capped-later', { userId: 'jo', items: messages('e', 4) });

  await client.appendItems('capped-later', { items: messages('f', 1), maxItems: 2 });

  const info = await client.getSession('capped-later');
  assert.deepEqual([info.maxItems, info.trimmedItems], [2, 3]);
  assert.deepEqual((await allItems('capped-later')).map(i => i.seq), [4, 5]);
});

test('writers appending while a rewind and then a fork run: every append wholly kept or wholly removed, the fork a prefix', async () => {
  const sessionId = 'busy';
  await client.createSession({ userId: 'kai', sessionId });
  const acknowledged: { result: AppendResult; items: JsonObject[] }[] = [];
  const writers = 4;
  const appendsPerWriter = 12;
  let rewindAfter = -1;
  let rewindDone = false;
  const appendsAfterRewind: AppendResult[] = [];

  const write = async (writer: number) => {
    for (let n = 0; n < appendsPerWriter; n++) {
      const items = messages(`w${writer}-a${n}`, 1 + (n % 3));
      const result = await client.appendItems(sessionId, { items, operationId: `w${writer}-op${n}` });
      acknowledged.push({ result, items });
      if (rewindDone) appendsAfterRewind.push(result);
    }
  };
  const rewindThenFork = async () => {
    await until(() => acknowledged.length >= 8, 'some appends before the rewind');
    rewindAfter = (await client.getSession(sessionId)).lastSeq; // the end of an append: appends are atomic
    const rewound = await client.rewindItems(sessionId, rewindAfter, { operationId: 'busy-rewind' });
    rewindDone = true;
    await until(() => appendsAfterRewind.length >= 4, 'some appends after the rewind');
    const fork = await client.forkSession(sessionId, { operationId: 'busy-fork' });
    return { rewound, fork };
  };

  const [{ rewound, fork }] = await Promise.all([rewindThenFork(), ...Array.from({ length: writers }, (_, w) => write(w))]);

  const stored = new Map((await allItems(sessionId)).map(i => [i.seq, i.item]));
  let removed = 0;
  for (const { result, items } of acknowledged) {
    const seqs = Array.from({ length: result.count }, (_, i) => result.firstSeq + i);
    const kept = seqs.filter(seq => stored.has(seq));
    assert.ok(kept.length === 0 || kept.length === seqs.length, `append ${result.firstSeq}..${result.lastSeq} wholly kept or removed`);
    if (kept.length > 0) assert.deepEqual(seqs.map(seq => stored.get(seq)), items, 'kept as sent');
    if (result.lastSeq <= rewindAfter) assert.equal(kept.length, seqs.length, 'nothing at or before afterSeq is removed');
    if (appendsAfterRewind.includes(result)) assert.equal(kept.length, seqs.length, 'appends after the rewind are kept');
    removed += seqs.length - kept.length;
  }
  assert.equal(stored.size, acknowledged.reduce((sum, a) => sum + a.result.count, 0) - removed, 'no item but the appended ones');
  assert.equal(rewound.removedCount, removed);
  assert.equal(rewound.afterSeq, rewindAfter);

  const forkedThrough = fork.forkedFrom!.seq;
  const sourcePrefix = (await allItems(sessionId)).filter(i => i.seq <= forkedThrough);
  assert.deepEqual((await allItems(fork.sessionId)).map(i => [i.seq, i.item]), sourcePrefix.map(i => [i.seq, i.item]),
    'the fork equals the source through the seq it was forked at');
});

test('a fork whose answer is lost is retried when it carries an operationId (one fork), and not without one', async () => {
  await client.appendItems('fork-lost', { userId: 'lena', items: messages('l', 2) });
  let forkRequests = 0;
  /** Passes every request to the silo, but loses the answer to the first fork request after the silo made the fork. */
  const losingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (String(input).endsWith('/fork') && ++forkRequests === 1) throw new TypeError('fetch failed (answer lost)');
    return response;
  };
  const flaky = new SessionsClient({ baseUrl: silo.baseUrl, apiKey: silo.apiKey, fetch: losingFetch });

  const fork = await flaky.forkSession('fork-lost', { operationId: 'lost-op' });

  assert.equal(forkRequests, 2, 'sent again after the lost answer');
  assert.deepEqual(fork.forkedFrom, { sessionId: 'fork-lost', seq: 2 });
  await until(async () => (await client.listSessions('lena')).sessions.some(s => s.sessionId === fork.sessionId), 'the fork listed');
  assert.deepEqual((await client.listSessions('lena')).sessions.filter(s => s.forkedFrom).map(s => s.sessionId), [fork.sessionId], 'one fork');

  forkRequests = 0;
  await assert.rejects(flaky.forkSession('fork-lost'), TypeError, 'without an operationId a lost answer is not repeated');
  assert.equal(forkRequests, 1);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OrleansSession, SessionsApiError, SessionsClient, type JsonObject, type SessionEvent } from '../src/index.js';
import { siloForThisFile } from './silo.js';
import { converse } from './weatherConversation.js';

let backend: SessionsClient;
siloForThisFile((_, apiClient) => { backend = apiClient; });

function seqs(events: SessionEvent[]): number[] {
  return events.filter(e => e.type === 'append').flatMap(e => e.items.map(i => i.seq));
}

/** Resolves once `check` holds, polling until the deadline. */
async function until(check: () => boolean | Promise<boolean>, what: string, deadlineMs = 20_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}

test('a stream from afterSeq 0 sends the stored items first, then the live ones, none twice', async () => {
  await backend.appendItems('kim-1', { userId: 'kim', items: [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }] });
  await backend.appendItems('kim-1', { items: [{ role: 'user', content: 'c' }] });
  const abort = new AbortController();
  const stream = backend.streamEvents('kim-1', { afterSeq: 0, signal: abort.signal });

  const stored = (await stream.next()).value as SessionEvent;
  await backend.appendItems('kim-1', { items: [{ role: 'assistant', content: 'd' }] });
  const live = (await stream.next()).value as SessionEvent;
  abort.abort();
  assert.equal((await stream.next()).done, true, 'the stream ends when the signal aborts');

  assert.deepEqual([stored.type, stored.firstSeq, stored.lastSeq], ['append', 1, 3]);
  assert.deepEqual(stored.items.map(i => (i.item as JsonObject).content), ['a', 'b', 'c']);
  assert.deepEqual(live.items.map(i => [i.seq, (i.item as JsonObject).content]), [[4, 'd']]);

  const fromTwo = backend.streamEvents('kim-1', { afterSeq: 2 });
  assert.deepEqual(((await fromTwo.next()).value as SessionEvent).items.map(i => i.seq), [3, 4]);
  await fromTwo.return(undefined);
  assert.throws(() => backend.streamEvents('kim-1', { afterSeq: 0, lastEventId: stored.id }), TypeError);
  await assert.rejects(backend.streamEvents('kim-1', { afterSeq: -1 }).next(),
    (error: SessionsApiError) => error.status === 400 && error.field === 'afterSeq');
});

test('a stream from afterSeq 0 opened while writers append gets every item once and in order', async () => {
  await backend.createSession({ userId: 'lee', sessionId: 'lee-1' });
  const writers = 6, batchesEach = 15;
  let acknowledged = 0;
  const writing = Promise.all(Array.from({ length: writers }, async (_, w) => {
    for (let b = 0; b < batchesEach; b++) {
      await backend.appendItems('lee-1', { items: [{ role: 'user', content: `w${w}b${b}` }, { role: 'assistant', content: `w${w}b${b}'` }] });
      acknowledged++;
    }
  }));
  await until(() => acknowledged >= (writers * batchesEach) / 3, 'a third of the appends');

  const abort = new AbortController();
  const seen: SessionEvent[] = [];
  const reading = (async () => {
    for await (const event of backend.streamEvents('lee-1', { afterSeq: 0, signal: abort.signal })) seen.push(event);
  })();
  await writing;
  const total = writers * batchesEach * 2;
  await until(() => seqs(seen).at(-1) === total, 'the last item');
  abort.abort();
  await reading;

  assert.ok(seen[0]!.items.length >= (writers * batchesEach * 2) / 3, 'the first event holds what was stored when the stream opened');
  assert.deepEqual(seqs(seen), Array.from({ length: total }, (_, i) => i + 1));
  assert.equal(new Set(seen.map(e => e.id)).size, seen.length);
});

test('the live loop beside a run, from the beginning, shows every item of the run and stops on abort', async () => {
  const session = new OrleansSession({ client: backend, userId: 'max' });
  const sessionId = await session.getSessionId();
  const abort = new AbortController();
  const shown: Array<[number, unknown]> = [];
  const following = (async () => {
    for await (const event of backend.streamEvents(sessionId, { afterSeq: 0, signal: abort.signal })) {
      if (event.type === 'append') for (const { seq, item } of event.items) shown.push([seq, item]);
    }
  })();

  await converse(session); // three runs of the real Runner, with a tool call and a handoff
  const { lastSeq } = await backend.getSession(sessionId);
  await until(() => shown.at(-1)?.[0] === lastSeq, 'the run\'s last item');
  abort.abort();
  await following;

  const stored = await backend.getItems(sessionId);
  assert.deepEqual(shown, stored.items.map(i => [i.seq, i.item]));
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Agent, MemorySession, OpenAIResponsesCompactionSession, Runner, isRunContextAwareSession, isSessionHistoryRewriteAwareSession,
  type AgentInputItem, type Session,
} from '@openai/agents';
import { compactAtomically, OrleansSession, SessionsApiError, SessionsClient } from '../src/index.js';
import { ScriptedModel } from './scriptedModel.js';
import { recordingClient } from './recordingClient.js';
import { siloForThisFile } from './silo.js';
import { converse } from './weatherConversation.js';

// Agents SDK 0.20's optional session capabilities, each through the real SDK against a real silo.

let client: SessionsClient;
const requests: string[] = [];
siloForThisFile(started => { client = recordingClient(started, requests); });

const plain = (items: unknown): unknown => JSON.parse(JSON.stringify(items));
const user = (text: string): AgentInputItem => ({ role: 'user', content: text });
const answer = (text: string) => ({ type: 'message', id: `msg_${text}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text }] });
type Script = ConstructorParameters<typeof ScriptedModel>[0];

async function runOnce(session: Session, script: Script, input: string, context?: unknown): Promise<void> {
  const agent = new Agent({ name: 'assistant', instructions: 'Answer briefly.', model: new ScriptedModel(script) });
  await new Runner({ tracingDisabled: true }).run(agent, input, { session, context });
}

function sentSince(start: number): string[] {
  return requests.slice(start);
}

test('the run context names the owner of a session the run creates: context.userId, or where userFromRunContext looks', async () => {
  const fromUserId = new OrleansSession({ client });
  assert.ok(isRunContextAwareSession(fromUserId));
  await runOnce(fromUserId, [[answer('hello')]] as Script, 'hi', { userId: 'zoe' });
  assert.equal((await client.getSession(await fromUserId.getSessionId())).userId, 'zoe');
  assert.equal((await client.listSessions('zoe')).sessions.length, 1);

  const fromGetter = new OrleansSession({ client, userFromRunContext: run => (run.context as { account: { id: string } }).account.id });
  await runOnce(fromGetter, [[answer('hello')]] as Script, 'hi', { account: { id: 'yan' } });
  assert.equal((await client.getSession(await fromGetter.getSessionId())).userId, 'yan');
  assert.deepEqual(plain(await fromGetter.getItems()), plain([{ type: 'message', role: 'user', content: 'hi' }, answer('hello')]));

  // A run context naming another user than the Session's is refused before any request.
  const start = requests.length;
  const fixed = new OrleansSession({ client, userId: 'xavier' });
  await assert.rejects(runOnce(fixed, [[answer('hello')]] as Script, 'hi', { userId: 'zoe' }), /run context's user "zoe" is not this session's user "xavier"/);
  assert.deepEqual(sentSince(start), []);
});

test('a compaction item from the model replaces the history in one PUT: never cleared, then added', async () => {
  const script = [
    [answer('first')],
    [{ type: 'compaction', id: 'cmp_1', encrypted_content: 'summary of the first turn' }, answer('second')],
  ] as Script;
  async function twoTurns(session: Session): Promise<void> {
    const agent = new Agent({ name: 'assistant', instructions: 'Answer briefly.', model: new ScriptedModel(script) });
    const runner = new Runner({ tracingDisabled: true });
    await runner.run(agent, 'one', { session });
    await runner.run(agent, 'two', { session });
  }
  const memory = new MemorySession();
  const ours = new OrleansSession({ client, userId: 'compacting' });
  await twoTurns(memory);
  const start = requests.length;
  await twoTurns(ours);

  assert.deepEqual(plain(await ours.getItems()), plain(await memory.getItems()));
  assert.equal((await ours.getItems())[0]?.type, 'compaction');
  const sent = sentSince(start);
  assert.ok(sent.includes('PUT /v1/sessions/{id}/items'), sent.join(', '));
  assert.ok(!sent.includes('DELETE /v1/sessions/{id}/items'), sent.join(', '));
});

test('readers never see a replaced history empty or mixed while compactions replace it concurrently', async () => {
  const writer = new OrleansSession({ client, userId: 'replacing' });
  const original = [user('o1'), user('o2'), user('o3')];
  await writer.addItems(original);
  const reader = new OrleansSession({ client, sessionId: await writer.getSessionId() });
  const replacements = Array.from({ length: 8 }, (_, n) => [
    { type: 'compaction', encrypted_content: `summary ${n}` } as AgentInputItem, user(`kept ${n}a`), user(`kept ${n}b`),
  ]);
  const allowed = new Set([original, ...replacements].map(items => JSON.stringify(plain(items))));

  // Every read is sent beside a replace that is not yet acknowledged (each round issues both at once), so the reads
  // meet the replaces in the silo whatever the timing.
  for (const items of replacements) {
    const [, ...seen] = await Promise.all([writer.replaceHistoryWithCompaction(items), reader.getItems(), reader.getItems(), reader.getItems()]);
    for (const page of seen) {
      assert.ok(allowed.has(JSON.stringify(plain(page))), `a reader saw ${JSON.stringify(plain(page))}`);
    }
  }
  assert.deepEqual(plain(await reader.getItems()), plain(replacements.at(-1)!));
});

const fc = (id: string, args: string): AgentInputItem =>
  ({ type: 'function_call', id, callId: 'call-1', name: 'lookup', status: 'completed', arguments: args });

test('applyHistoryMutations: replace_function_call gives what MemorySession gives, in one transaction', async () => {
  const initial = [user('start'), fc('call-old-1', '{"ok":false}'), user('between'), fc('call-old-2', '{"duplicate":true}'), user('end')];
  const replacement = fc('call-new', '{"ok":true}') as Extract<AgentInputItem, { type: 'function_call' }>;
  const memory = new MemorySession({ initialItems: initial });
  const ours = new OrleansSession({ client, userId: 'mutating' });
  assert.ok(isSessionHistoryRewriteAwareSession(ours));
  await ours.addItems(initial);

  const args = { mutations: [{ type: 'replace_function_call' as const, callId: 'call-1', replacement }] };
  await memory.applyHistoryMutations(args);
  const start = requests.length;
  await ours.applyHistoryMutations(args);
  assert.deepEqual(sentSince(start), ['GET /v1/sessions/{id}/items', 'POST /v1/sessions/{id}/history/transactions']);
  assert.deepEqual(plain(await ours.getItems()), plain(await memory.getItems()));
  assert.deepEqual(plain(await ours.getItems()), plain([user('start'), replacement, user('between'), user('end')]));

  // No such call: nothing is sent but the read.
  const none = requests.length;
  await ours.applyHistoryMutations({ mutations: [{ type: 'replace_function_call', callId: 'call-9', replacement }] });
  assert.deepEqual(sentSince(none), ['GET /v1/sessions/{id}/items']);
  // A mutation that is not the SDK's is refused before any request.
  await assert.rejects(ours.applyHistoryMutations({ mutations: [{ type: 'drop_everything' }] } as never), /Unsupported session history mutation type at mutations\[0\]\.type/);
});

test('applyHistoryMutations racing appends from another process: every append is kept, the call replaced once or the mutation fails cleanly', async t => {
  const ours = new OrleansSession({ client, userId: 'mutation-race' });
  await ours.addItems([user('start'), fc('old-1', '{"v":1}'), fc('old-2', '{"v":2}')]);
  const other = new OrleansSession({ client, sessionId: await ours.getSessionId() });
  const replacement = fc('new', '{"v":3}') as Extract<AgentInputItem, { type: 'function_call' }>;

  const appended = Array.from({ length: 4 }, (_, writer) => Array.from({ length: 10 }, (_, n) => user(`w${writer}-${n}`)));
  const start = requests.length;
  const appends = Promise.all(appended.map(async items => { for (const item of items) await other.addItems([item]); }));
  const mutation = await ours.applyHistoryMutations({ mutations: [{ type: 'replace_function_call', callId: 'call-1', replacement }] })
    .then(() => 'applied', (error: unknown) => error);
  await appends;
  t.diagnostic(`mutation: ${mutation === 'applied' ? 'applied' : String(mutation)}; ${sentSince(start).filter(r => r.endsWith('/history/transactions')).length} transactions sent`);

  const items = plain(await ours.getItems()) as Array<{ content?: string; id?: string }>;
  for (const writes of appended) {
    const texts = writes.map(w => (w as { content: string }).content);
    assert.deepEqual(items.filter(i => typeof i.content === 'string' && texts.includes(i.content)).map(i => i.content), texts, 'every append, in order');
  }
  const calls = items.filter(i => i.id?.startsWith('old') || i.id === 'new').map(i => i.id);
  if (mutation === 'applied') {
    assert.deepEqual(calls, ['new']);
  } else {
    assert.ok(mutation instanceof SessionsApiError && mutation.status === 409 && mutation.field === 'expectedSuffix', String(mutation));
    assert.deepEqual(calls, ['old-1', 'old-2']);
  }
  assert.equal(items.length, 3 + 40 - (mutation === 'applied' ? 1 : 0));
});

/** An OpenAI client whose `responses.compact` answers a fixed compacted history (no network); `during` runs while
 * the request is "in flight", as another process's writes would. */
function scriptedCompaction(during?: () => Promise<void>) {
  const calls: Array<Record<string, unknown>> = [];
  const openai = {
    responses: {
      compact: async (request: Record<string, unknown>) => {
        calls.push(request);
        await during?.();
        return {
          output: [
            { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'What is the weather in Paris?' }] },
            { type: 'compaction', encrypted_content: `summary ${calls.length}` },
          ],
          usage: { input_tokens: 100, output_tokens: 10, total_tokens: 110 },
        };
      },
    },
  };
  return { calls, openai: openai as never };
}

test('OpenAIResponsesCompactionSession over OrleansSession compacts as it does over MemorySession, through the Runner', async () => {
  async function compactedConversation(underlyingSession: Session): Promise<{ answers: string[]; compactions: number; items: unknown }> {
    const { calls, openai } = scriptedCompaction();
    const session = new OpenAIResponsesCompactionSession({
      client: openai, underlyingSession, compactionMode: 'input',
      shouldTriggerCompaction: ({ compactionCandidateItems }) => compactionCandidateItems.length >= 3,
    });
    const answers = await converse(session);
    return { answers, compactions: calls.length, items: plain(await underlyingSession.getItems()) };
  }
  const store = new OrleansSession({ client, userId: 'compaction-session' });
  const memory = await compactedConversation(new MemorySession());
  const ours = await compactedConversation(store);

  assert.deepEqual(ours, memory);
  assert.ok(ours.compactions >= 1, `${ours.compactions} compactions`);
  const stored = (await client.getItems(await store.getSessionId())).items.map(s => s.item);
  assert.ok(stored.some(item => item.type === 'compaction'), JSON.stringify(stored));
});

test('a compaction racing appends through the same OpenAIResponsesCompactionSession loses none of them', async () => {
  const { calls, openai } = scriptedCompaction();
  const store = new OrleansSession({ client, userId: 'compaction-race' });
  await store.addItems([user('What is the weather in Paris?'), answer('Sunny.') as AgentInputItem, answer('Still sunny.') as AgentInputItem]);
  const session = new OpenAIResponsesCompactionSession({ client: openai, underlyingSession: store, compactionMode: 'input' });

  const appended = Array.from({ length: 10 }, (_, n) => user(`during ${n}`));
  await Promise.all([session.runCompaction({ force: true }), ...appended.map(item => session.addItems([item]))]);

  assert.equal(calls.length, 1);
  const items = plain(await store.getItems()) as Array<{ type?: string; content?: unknown }>;
  const texts = appended.map(item => (item as { content: string }).content);
  assert.deepEqual(items.filter(i => typeof i.content === 'string' && texts.includes(i.content)).map(i => i.content), texts);
  assert.ok(items.some(i => i.type === 'compaction'));
});

test('a compaction racing another process\'s append: the SDK\'s clear-then-add loses it; compactAtomically keeps it and fails cleanly', async () => {
  const history = [user('What is the weather in Paris?'), answer('Sunny.') as AgentInputItem, answer('Still sunny.') as AgentInputItem];
  async function raced(atomic: boolean): Promise<{ outcome: unknown; items: Array<{ content?: unknown }> }> {
    const store = new OrleansSession({ client, userId: 'compaction-cross-process' });
    await store.addItems(history);
    const other = new OrleansSession({ client, sessionId: await store.getSessionId() });
    const { openai } = scriptedCompaction(() => other.addItems([user('written meanwhile')]));
    const plainSession = new OpenAIResponsesCompactionSession({ client: openai, underlyingSession: store, compactionMode: 'input' });
    const session = atomic ? compactAtomically(plainSession, store) : plainSession;
    const outcome = await session.runCompaction({ force: true }).then(() => 'compacted', (error: unknown) => error);
    return { outcome, items: plain(await store.getItems()) as Array<{ content?: unknown }> };
  }
  const meanwhile = (items: Array<{ content?: unknown }>) => items.filter(i => i.content === 'written meanwhile').length;

  const sdkAlone = await raced(false);
  assert.equal(sdkAlone.outcome, 'compacted');
  assert.equal(meanwhile(sdkAlone.items), 0, 'Agents SDK 0.20 clears the underlying session, taking the append with it');

  const atomic = await raced(true);
  assert.ok(atomic.outcome instanceof SessionsApiError && atomic.outcome.status === 409 && atomic.outcome.field === 'expectedSuffix', String(atomic.outcome));
  assert.deepEqual(atomic.items, plain([...history, user('written meanwhile')]), 'nothing changed but the append');
  assert.throws(() => compactAtomically(new MemorySession(), new OrleansSession({ client })), /not an OpenAIResponsesCompactionSession/);
});

test('a Runner turn whose compaction loses the race rejects with the 409, and the turn and the append are both stored', async () => {
  const store = new OrleansSession({ client, userId: 'compaction-run-race' });
  const other = new OrleansSession({ client, sessionId: await store.getSessionId() });
  const { openai } = scriptedCompaction(() => other.addItems([user('written meanwhile')]));
  const session = compactAtomically(new OpenAIResponsesCompactionSession({
    client: openai, underlyingSession: store, compactionMode: 'input', shouldTriggerCompaction: () => true,
  }), store);
  await assert.rejects(runOnce(session, [[answer('hello')]] as Script, 'hi'),
    (error: unknown) => error instanceof SessionsApiError && error.status === 409 && error.field === 'expectedSuffix');
  assert.deepEqual(plain(await store.getItems()), plain([{ type: 'message', role: 'user', content: 'hi' }, answer('hello'), user('written meanwhile')]));
});

test('compactions hammered by 4 writers in another process: an appended item is gone only if a compaction that succeeded read it', async t => {
  const store = new OrleansSession({ client, userId: 'compaction-hammer' });
  await store.addItems([user('What is the weather in Paris?'), answer('Sunny.') as AgentInputItem]);
  const other = new OrleansSession({ client, sessionId: await store.getSessionId() });
  const { calls, openai } = scriptedCompaction();
  const session = compactAtomically(new OpenAIResponsesCompactionSession({ client: openai, underlyingSession: store, compactionMode: 'input' }), store);

  const written = Array.from({ length: 4 }, (_, writer) => Array.from({ length: 10 }, (_, n) => `w${writer}-${n}`));
  let writing = true;
  const writers = Promise.all(written.map(async texts => { for (const text of texts) await other.addItems([user(text)]); }))
    .finally(() => { writing = false; });
  const compactedInputs: string[] = [];
  let refused = 0;
  while (writing) {
    const outcome = await session.runCompaction({ force: true }).then(() => 'compacted', (error: unknown) => error);
    if (outcome === 'compacted') {
      compactedInputs.push(JSON.stringify(calls.at(-1)!.input));
    } else {
      assert.ok(outcome instanceof SessionsApiError && outcome.status === 409 && outcome.field === 'expectedSuffix', String(outcome));
      refused++;
    }
  }
  await writers;
  t.diagnostic(`${compactedInputs.length} compactions applied, ${refused} refused because of a concurrent append`);

  const stored = JSON.stringify(plain(await store.getItems()));
  for (const text of written.flat()) {
    const kept = stored.includes(JSON.stringify(text));
    const compacted = compactedInputs.some(input => input.includes(JSON.stringify(text)));
    assert.ok(kept || compacted, `${text} was lost`);
  }
  assert.ok(compactedInputs.length + refused > 1);
  await session.runCompaction({ force: true }); // with the writers done, the next one goes through
  assert.equal((await store.getItems()).filter(item => item.type === 'compaction').length, 1);
});

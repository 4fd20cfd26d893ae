import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Agent, MemorySession, Runner, tool, type AgentInputItem, type Session } from '@openai/agents';
import { z } from 'zod';
import { OrleansSession, SessionsApiError, SessionsClient } from '../src/index.js';
import { ScriptedModel } from './scriptedModel.js';
import { converse } from './weatherConversation.js';
import { siloForThisFile, type TestSilo } from './silo.js';

let silo: TestSilo;
let client: SessionsClient;
siloForThisFile((started, apiClient) => { silo = started; client = apiClient; });

function normalized(items: AgentInputItem[]): unknown {
  return JSON.parse(JSON.stringify(items));
}

test('a multi-turn run with a tool and a handoff stores exactly what MemorySession holds', async () => {
  const memory = new MemorySession();
  const ours = new OrleansSession({ client, userId: 'alice', title: 'Weather' });

  const memoryAnswers = await converse(memory);
  const ourAnswers = await converse(ours);

  assert.deepEqual(ourAnswers, memoryAnswers);
  assert.deepEqual(ourAnswers, ['It is sunny in Paris, 21°C.', 'Weather expert here: clear skies all week.', 'You are welcome!']);
  const expected = normalized(await memory.getItems());
  assert.deepEqual(normalized(await ours.getItems()), expected);

  // What the silo stores is that history, item for item, for any other process to read.
  const stored = await client.getItems(await ours.getSessionId());
  assert.deepEqual(stored.items.map(s => s.item), expected);
  const types = stored.items.map(s => (s.item as { type?: string }).type ?? 'message');
  for (const type of ['message', 'reasoning', 'function_call', 'function_call_result']) assert.ok(types.includes(type), `no ${type} in ${types}`);
  assert.ok(stored.items.some(s => (s.item as { name?: string }).name === 'transfer_to_weather_expert'), 'the handoff is stored');
  assert.deepEqual(normalized(await ours.getItems(3)), normalized(await memory.getItems(3)));
  assert.equal((await client.getSession(await ours.getSessionId())).userId, 'alice');
});

test('pop and clear behave as MemorySession', async () => {
  const memory = new MemorySession();
  const ours = new OrleansSession({ client, userId: 'bob' });
  const items: AgentInputItem[] = [
    { role: 'user', content: 'one' },
    { role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'two' }] },
  ];
  for (const session of [memory, ours]) await session.addItems(items);

  assert.deepEqual(normalized([(await ours.popItem())!]), normalized([(await memory.popItem())!]));
  assert.deepEqual(normalized(await ours.getItems()), normalized(await memory.getItems()));
  await ours.clearSession();
  await memory.clearSession();
  assert.deepEqual(await ours.getItems(), []);
  assert.equal(await ours.popItem(), undefined);
});

test('history transactions: a replayed operation id changes nothing; a stale suffix or a reused id fails and changes nothing', async () => {
  const ours = new OrleansSession({ client, userId: 'carol' });
  const memory = new MemorySession();
  const a: AgentInputItem = { role: 'user', content: 'a' };
  const b: AgentInputItem = { role: 'user', content: 'b' };
  const c: AgentInputItem = { role: 'user', content: 'c' };

  for (const session of [ours, memory]) {
    await session.applyHistoryTransaction({ operationId: 'op-1', transaction: { type: 'append_items', items: [a, b] } });
    await session.applyHistoryTransaction({ operationId: 'op-1', transaction: { type: 'append_items', items: [a, b] } });
    await session.applyHistoryTransaction({ operationId: 'op-2', transaction: { type: 'replace_suffix', expectedSuffix: [b], replacement: [c] } });
    await session.applyHistoryTransaction({ operationId: 'op-2', transaction: { type: 'replace_suffix', expectedSuffix: [b], replacement: [c] } });
  }
  assert.deepEqual(normalized(await ours.getItems()), normalized([a, c]));
  assert.deepEqual(normalized(await ours.getItems()), normalized(await memory.getItems()));

  const sessionId = await ours.getSessionId();
  const version = (await client.getSession(sessionId)).version;
  await assert.rejects(
    ours.applyHistoryTransaction({ operationId: 'op-3', transaction: { type: 'replace_suffix', expectedSuffix: [b], replacement: [a] } }),
    (error: SessionsApiError) => error.status === 409 && error.field === 'expectedSuffix');
  await assert.rejects(
    ours.applyHistoryTransaction({ operationId: 'op-1', transaction: { type: 'append_items', items: [c] } }),
    (error: SessionsApiError) => error.status === 409 && error.field === 'operationId');
  assert.deepEqual(normalized(await ours.getItems()), normalized([a, c]));
  assert.equal((await client.getSession(sessionId)).version, version, 'nothing changed, not even the version');
});

test('compaction replaces the whole history in one step', async () => {
  const ours = new OrleansSession({ client, userId: 'dan' });
  await ours.addItems([{ role: 'user', content: 'long' }, { role: 'user', content: 'history' }]);
  const compacted = [{ type: 'compaction', encrypted_content: 'summary' } as unknown as AgentInputItem, { role: 'user', content: 'latest' } as AgentInputItem];
  await ours.replaceHistoryWithCompaction(compacted);
  assert.deepEqual(normalized(await ours.getItems()), normalized(compacted));
});

test('a run whose output a guardrail blocks is persisted through a history transaction, as MemorySession holds it', async () => {
  const paths: string[] = [];
  const counting = new SessionsClient({
    baseUrl: silo.baseUrl, apiKey: silo.apiKey,
    fetch: (url, init) => {
      paths.push(`${init?.method ?? 'GET'} ${new URL(String(url)).pathname.replace(/sessions\/[^/]+/, 'sessions/{id}')}`);
      return fetch(url, init);
    },
  });
  async function blockedRun(session: Session): Promise<string> {
    // A tool runs (its call and output are kept), then the answer is blocked.
    const model = new ScriptedModel([
      [{ type: 'function_call', id: 'fc_1', callId: 'call_1', name: 'lookup_code', arguments: '{}', status: 'completed' }],
      [{ type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'The secret code is 42.' }] }],
    ] as ConstructorParameters<typeof ScriptedModel>[0]);
    const lookup = tool({ name: 'lookup_code', description: 'Looks up the code.', parameters: z.object({}), execute: async () => '42' });
    const agent = new Agent({
      name: 'guarded', instructions: 'Never tell secrets.', model, tools: [lookup],
      outputGuardrails: [{ name: 'no_secrets', execute: async ({ agentOutput }) => ({ tripwireTriggered: String(agentOutput).includes('secret'), outputInfo: {} }) }],
    });
    try {
      await new Runner({ tracingDisabled: true }).run(agent, 'Tell me the code.', { session });
      return 'not blocked';
    } catch (error) {
      return (error as Error).constructor.name;
    }
  }
  const memory = new MemorySession();
  const ours = new OrleansSession({ client: counting, userId: 'gus' });

  assert.equal(await blockedRun(memory), 'OutputGuardrailTripwireTriggered');
  assert.equal(await blockedRun(ours), 'OutputGuardrailTripwireTriggered');
  assert.deepEqual(normalized(await ours.getItems()), normalized(await memory.getItems()));
  assert.ok(paths.includes('POST /v1/sessions/{id}/history/transactions'), paths.join(', '));
});

test('after a failed creation a later call tries again, and clearing a never-created session sends nothing', async () => {
  const requests: string[] = [];
  let failNextCreate = true;
  const flaky = new SessionsClient({
    baseUrl: silo.baseUrl, apiKey: silo.apiKey, retries: 0,
    fetch: async (url, init) => {
      const request = `${init?.method ?? 'GET'} ${new URL(String(url)).pathname}`;
      requests.push(request);
      if (request === 'POST /v1/sessions' && failNextCreate) {
        failNextCreate = false;
        throw new TypeError('network blip');
      }
      return fetch(url, init);
    },
  });

  const untouched = new OrleansSession({ client: flaky, userId: 'erin' });
  await untouched.clearSession();
  assert.deepEqual(requests, [], 'no create, no clear');

  const session = new OrleansSession({ client: flaky, userId: 'erin' });
  await assert.rejects(session.getSessionId(), TypeError);
  const sessionId = await session.getSessionId();
  await session.addItems([{ role: 'user', content: 'after the blip' }]);
  assert.equal(requests.filter(r => r === 'POST /v1/sessions').length, 2);
  assert.deepEqual(normalized(await session.getItems()), normalized([{ role: 'user', content: 'after the blip' }]));
  assert.equal((await client.getSession(sessionId)).userId, 'erin');
});

test('a history transaction is read once, and one with fields the Agents SDK does not define is refused whole', async () => {
  const ours = new OrleansSession({ client, userId: 'fay' });
  const a: AgentInputItem = { role: 'user', content: 'a' };
  let reads = 0;
  const envelope = {
    get operationId() {
      reads++;
      return reads === 1 ? 'op-once' : `op-changed-${reads}`;
    },
    transaction: { type: 'append_items' as const, items: [a] },
  };
  await ours.applyHistoryTransaction(envelope);
  assert.equal(reads, 1);
  await ours.applyHistoryTransaction({ operationId: 'op-once', transaction: { type: 'append_items', items: [a] } }); // a replay
  assert.deepEqual(normalized(await ours.getItems()), normalized([a]));

  const sessionId = await ours.getSessionId();
  const version = (await client.getSession(sessionId)).version;
  await assert.rejects(
    client.applyHistoryTransaction(sessionId, 'op-extra', { type: 'append_items', items: [a], note: 'mine' } as never),
    (error: SessionsApiError) => error.status === 400 && error.field === 'transaction.note');
  assert.equal((await client.getSession(sessionId)).version, version, 'nothing changed');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Agent, Runner } from '@openai/agents';
import { OrleansSession, SessionsApiError, SessionsClient, toTurnUsage } from '../src/index.js';
import { ScriptedModel } from './scriptedModel.js';
import { converse } from './weatherConversation.js';
import { siloForThisFile } from './silo.js';

let client: SessionsClient;
siloForThisFile((_, apiClient) => { client = apiClient; });

test('runs with the real SDK record their usage with their items, each model call once', async () => {
  const session = new OrleansSession({ client, userId: 'carol', usageModel: 'scripted-model' });

  await converse(session); // three runs, five model calls of 10 input and 5 output tokens each

  const info = await client.getSession(await session.getSessionId());
  const expected = { inputTokens: 50, outputTokens: 25, totalTokens: 75, cachedTokens: 0, reasoningTokens: 0, requests: 5 };
  assert.ok(info.usage, 'the session has usage');
  const { byModel, byAgent, ...totals } = info.usage;
  assert.deepEqual(totals, expected);
  assert.deepEqual(byModel, { 'scripted-model': expected });
  assert.deepEqual(byAgent, {});
});

test('a run result\'s usage matches what the session recorded for it', async () => {
  const session = new OrleansSession({ client, userId: 'dave' });
  const model = new ScriptedModel([[{ type: 'message', id: 'm1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hi!' }] }]] as never);
  const result = await new Runner({ tracingDisabled: true }).run(new Agent({ name: 'greeter', model }), 'Hello', { session });

  const usage = (await client.getSession(await session.getSessionId())).usage!;
  const fromResult = toTurnUsage(result.state.usage);
  assert.deepEqual(
    [usage.inputTokens, usage.outputTokens, usage.totalTokens, usage.requests],
    [fromResult.inputTokens, fromResult.outputTokens, fromResult.totalTokens, fromResult.requests]);
  assert.equal(usage.requests, 1);
});

test('items added outside a run carry no usage, and the client sends usage with an append', async () => {
  const session = new OrleansSession({ client, userId: 'erin' });
  await session.addItems([{ role: 'user', content: 'no run here' }]);
  const sessionId = await session.getSessionId();
  assert.equal((await client.getSession(sessionId)).usage, null);

  const append = { items: [{ role: 'assistant', content: 'hi' }], operationId: 'op-usage', agent: 'helper',
    usage: { inputTokens: 7, outputTokens: 3, cachedTokens: 2, model: 'gpt-x' } };
  await client.appendItems(sessionId, append);
  await client.appendItems(sessionId, append); // a retry: counted once
  const usage = (await client.getSession(sessionId)).usage!;
  const once = { inputTokens: 7, outputTokens: 3, totalTokens: 10, cachedTokens: 2, reasoningTokens: 0, requests: 1 };
  assert.deepEqual(usage.byModel, { 'gpt-x': once });
  assert.deepEqual(usage.byAgent, { helper: once });

  await assert.rejects(client.appendItems(sessionId, { items: [{ role: 'user', content: 'x' }], usage: { inputTokens: -1, outputTokens: 0 } }),
    (error: unknown) => error instanceof SessionsApiError && error.status === 400 && error.field === 'usage.inputTokens');
});

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { OrleansSession, SessionsClient } from '../src/index.js';
import { launchChromium } from './chromium.js';
import { startSilo, type TestSilo } from './silo.js';
import { converse } from './weatherConversation.js';

let silo: TestSilo;
let browser: Browser;

before(async () => {
  silo = await startSilo({ 'Inspector:Enabled': 'true' });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await silo?.stop();
});

test('the inspector lists a user\'s conversations and shows one as a transcript that updates live', async () => {
  const backend = new SessionsClient({ baseUrl: silo.baseUrl, apiKey: silo.apiKey });
  const session = new OrleansSession({ client: backend, userId: 'alice', title: 'Weather in Paris' });
  await converse(session);
  await backend.createSession({ userId: 'alice', title: 'Another chat' });
  await backend.createSession({ userId: 'bob', title: 'Not for alice' });
  const token = await backend.createUserToken('alice');

  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', error => problems.push(error.message));
  await page.goto(`${silo.baseUrl}/inspector#token=${encodeURIComponent(token.token)}`);

  // The list: alice's two conversations, not bob's; the token is gone from the address bar.
  const conversations = page.locator('#sessions button');
  await conversations.first().waitFor();
  assert.deepEqual((await page.locator('#sessions strong').allTextContents()).sort(), ['Another chat', 'Weather in Paris']);
  assert.ok(!page.url().includes(token.token));
  assert.equal(await page.inputValue('#user'), 'alice');

  // The transcript, as a person reads it.
  await page.getByRole('button', { name: /Weather in Paris/ }).click();
  const transcript = page.locator('#transcript');
  await transcript.getByText('You are welcome!').waitFor();
  const entries = await page.locator('#transcript li').evaluateAll(items => items.map(item => ({
    kind: item.querySelector('.kind')?.textContent ?? '',
    text: item.querySelector('.text')?.textContent ?? '',
    output: item.querySelector('.output')?.textContent ?? '',
  })));
  assert.deepEqual(entries.map(e => e.kind), ['user', 'Reasoning', 'Tool call', 'assistant', 'user', 'Handoff', 'assistant', 'user', 'assistant']);
  assert.equal(entries[0]!.text, "What's the weather in Paris?");
  assert.match(entries[1]!.text, /The user wants the weather/);
  assert.equal(entries[2]!.text, 'get_weather({"city":"Paris"})');
  assert.equal(entries[2]!.output, '→ Sunny in Paris, 21°C');
  assert.equal(entries[3]!.text, 'It is sunny in Paris, 21°C.');
  assert.equal(entries[5]!.text, '→ weather_expert');
  assert.equal(entries[6]!.text, 'Weather expert here: clear skies all week.');

  // Live: an append elsewhere appears without a reload.
  await page.locator('#live', { hasText: 'Live' }).waitFor();
  await backend.appendItems(await session.getSessionId(), { items: [{ role: 'assistant', content: 'A live update from the backend.' }] });
  await transcript.getByText('A live update from the backend.').waitFor({ timeout: 10_000 });

  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/inspector.png', fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the inspector shows a session\'s fork parent and forks, usage and cap, and forks from and rewinds to an item after confirmation', async () => {
  const backend = new SessionsClient({ baseUrl: silo.baseUrl, apiKey: silo.apiKey });
  const source = await backend.createSession({ userId: 'carol', title: 'Trip plan', maxItems: 50 });
  await backend.appendItems(source.sessionId, {
    items: [1, 2, 3, 4, 5].map(n => ({ role: n % 2 ? 'user' : 'assistant', content: `step ${n}` })),
    agent: 'planner',
    usage: { inputTokens: 1200, outputTokens: 300, model: 'gpt-test', requests: 2 },
  });
  const earlier = await backend.forkSession(source.sessionId, { throughSeq: 2, title: 'Trip plan, shorter' });
  const token = await backend.createUserToken('carol');

  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', error => problems.push(error.message));
  await page.goto(`${silo.baseUrl}/inspector#token=${encodeURIComponent(token.token)}`);
  await page.locator('#sessions button').first().waitFor();
  await page.locator('#sessions button', { hasText: /^Trip plan\d/ }).first().click();
  const details = page.locator('#details');
  await details.getByText('1,500 tokens', { exact: false }).first().waitFor();
  const text = await details.textContent();
  assert.match(text ?? '', /1,200 in · 300 out · 1,500 tokens · 2 requests/);
  assert.match(text ?? '', /gpt-test/);
  assert.match(text ?? '', /agent planner/);
  assert.match(text ?? '', /at most 50 items; 0 trimmed so far/);
  assert.ok(await details.getByRole('button', { name: 'Trip plan, shorter' }).isVisible(), 'the fork is listed');

  // Cancelling changes nothing.
  const entries = page.locator('#transcript li');
  await entries.nth(4).waitFor();
  await entries.nth(3).getByRole('button', { name: 'Rewind to here' }).click();
  await page.locator('#confirm').getByText('Remove every item after #4?').waitFor();
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/inspector-confirm.png', fullPage: true });
  await page.locator('#confirm').getByRole('button', { name: 'Cancel' }).click();
  assert.equal((await backend.getSession(source.sessionId)).itemCount, 5);

  // Fork from item #3: a new conversation with the first three items opens, its parent named.
  await entries.nth(2).getByRole('button', { name: 'Fork from here' }).click();
  await page.locator('#confirm').getByRole('button', { name: 'Confirm' }).click();
  await page.locator('#title', { hasText: 'Trip plan (fork)' }).waitFor();
  await page.locator('#details', { hasText: 'Forked from' }).waitFor();
  await page.locator('#transcript li').nth(2).waitFor();
  assert.deepEqual(await page.locator('#transcript .text').allTextContents(), ['step 1', 'step 2', 'step 3']);
  assert.match(await details.textContent() ?? '', /Forked from\s*Trip plan at #3/);

  // Back to the source through the parent link, then rewind it to item #2 after confirming.
  await details.getByRole('button', { name: 'Trip plan', exact: true }).click();
  await page.locator('#title', { hasText: /^Trip plan$/ }).waitFor();
  await page.locator('#transcript li').nth(4).waitFor();
  await page.locator('#transcript li').nth(1).getByRole('button', { name: 'Rewind to here' }).click();
  await page.locator('#confirm').getByRole('button', { name: 'Confirm' }).click();
  await page.locator('#live', { hasText: 'Removed 3 items after #2.' }).waitFor();
  assert.deepEqual(await page.locator('#transcript .text').allTextContents(), ['step 1', 'step 2']);
  assert.match(await details.textContent() ?? '', /Items\s*2 \(newest #2\)/, 'the newest item, not the seq a rewind leaves');
  assert.match(await page.locator('#sessions button[aria-current="true"] small').textContent() ?? '', /^2 items/, 'the list follows');
  assert.deepEqual(await page.locator('#transcript .seq').allTextContents(), ['#1', '#2']);
  assert.equal(await page.locator('#transcript li').last().getByRole('button', { name: 'Rewind to here' }).isVisible(), false,
    'rewinding to the newest item would remove nothing');
  const after = await backend.getSession(source.sessionId);
  assert.equal(after.itemCount, 2);
  assert.equal(after.lastSeq, 5);
  assert.equal((await backend.getSession(earlier.sessionId)).itemCount, 2, 'a fork keeps its items when its source is rewound');

  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/inspector-history.png', fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the inspector is off unless enabled, and its page carries a strict content security policy', async () => {
  const plain = await startSilo();
  try {
    assert.equal((await fetch(`${plain.baseUrl}/inspector`, { headers: { 'X-Api-Key': plain.apiKey } })).status, 404);
  } finally {
    await plain.stop();
  }
  const response = await fetch(`${silo.baseUrl}/inspector`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-security-policy') ?? '', /script-src 'self'/);
});

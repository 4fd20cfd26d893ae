import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { SessionsClient } from '../src/index.js';
import { launchChromium } from './chromium.js';
import { startSilo, type TestSilo } from './silo.js';

/** A web frontend on another origin than the silo (another loopback port): a page and the built package, served by
 * the test, so every call to the silo is a real cross-origin request that CORS decides. */
let frontend: string;
let server: Server;
let silo: TestSilo;
let browser: Browser;

before(async () => {
  const dist = join(process.cwd(), 'dist');
  server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === '/') {
      response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>frontend</title>');
    } else if (/^\/[a-zA-Z]+\.js$/.test(path)) {
      response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(readFileSync(join(dist, path)));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  frontend = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  silo = await startSilo({ 'Cors:Origins:0': frontend });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await silo?.stop();
  server?.close();
});

test('in a browser on another origin, the package works with a user token and CORS keeps the API key out', async () => {
  const backend = new SessionsClient({ baseUrl: silo.baseUrl, apiKey: silo.apiKey });
  const token = await backend.createUserToken('ivy');
  const page = await browser.newPage();
  const console: string[] = [];
  page.on('console', message => console.push(message.text()));
  await page.goto(`${frontend}/`);

  const outcome = await page.evaluate(async ({ baseUrl, token, apiKey }) => {
    const packageUrl = '/index.js';
    const { OrleansSession, SessionsClient } = await import(packageUrl);
    const client = new SessionsClient({ baseUrl, token });
    const session = new OrleansSession({ client });
    const sessionId = await session.getSessionId();
    const abort = new AbortController();
    const events: string[] = [];
    const following = (async () => {
      for await (const event of client.streamEvents(sessionId, { signal: abort.signal })) {
        events.push(event.type);
        if (events.length === 2) break;
      }
    })();
    await new Promise(resolve => setTimeout(resolve, 500));
    await session.addItems([{ role: 'user', content: 'from the browser' }]);
    await session.addItems([{ role: 'assistant', content: 'answered' }]);
    await following;
    const items = await session.getItems();
    let apiKeyRefused = '';
    try {
      await new SessionsClient({ baseUrl, apiKey }).listSessions('ivy');
    } catch (error) {
      apiKeyRefused = (error as Error).name;
    }
    return { sessionId, items, events, apiKeyRefused };
  }, { baseUrl: silo.baseUrl, token: token.token, apiKey: silo.apiKey }).catch(error => { throw new Error(`${error.message}\n${console.join('\n')}`); });

  assert.deepEqual(outcome.items, [{ role: 'user', content: 'from the browser' }, { role: 'assistant', content: 'answered' }]);
  assert.deepEqual(outcome.events, ['append', 'append']);
  assert.equal((await backend.getSession(outcome.sessionId)).userId, 'ivy');
  assert.equal(outcome.apiKeyRefused, 'TypeError', 'the browser refuses to send X-Api-Key cross-origin (CORS), so fetch fails');
  assert.ok(console.some(line => /x-api-key/i.test(line) && /not allowed/i.test(line)), console.join('\n'));
  await page.close();
});

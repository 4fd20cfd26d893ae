import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { SessionsClient } from '../src/index.js';
import { launchChromium } from './chromium.js';
import { startSilo, type TestSilo } from './silo.js';

/** Web frontends on other origins than the silo's (other loopback ports): a page and the built package, served by
 * the test, so every call to the silo is a real cross-origin request that CORS decides. The silo allows `frontend`,
 * not `stranger`. */
let frontend: string;
let stranger: string;
const servers: Server[] = [];
let silo: TestSilo;
let browser: Browser;

async function serveFrontend(): Promise<string> {
  const dist = join(process.cwd(), 'dist');
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const module = /^(\/vendor\/orleans-sessions-client\/dist)?(\/[a-zA-Z]+\.js)$/.exec(path);
    if (path === '/') {
      response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>frontend</title>');
    } else if (module) {
      response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(readFileSync(join(dist, module[2]!)));
    } else if (path === '/importmap.html') {
      response.writeHead(200, { 'Content-Type': 'text/html' }).end(docsPage());
    } else if (path === '/sessions-token') {
      void mintToken().then(token => response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(token)));
    } else {
      response.writeHead(404).end();
    }
  });
  servers.push(server);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

/** The import-map page of docs/clients/typescript.md, as written, calling this test's silo. */
function docsPage(): string {
  const page = readFileSync(join(process.cwd(), '..', '..', 'docs', 'clients', 'typescript.md'), 'utf8');
  const html = /^```html\n([\s\S]*?)^```$/m.exec(page)![1]!;
  return '<!doctype html><title>import map</title>' + html.replaceAll('https://sessions.example', silo.baseUrl);
}

/** What the docs' backend answers at /sessions-token: a user token for "me". */
function mintToken() {
  return new SessionsClient({ baseUrl: silo.baseUrl, apiKey: silo.apiKey }).createUserToken('me');
}

before(async () => {
  frontend = await serveFrontend();
  stranger = await serveFrontend();
  silo = await startSilo({ 'Cors:Origins': frontend });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await silo?.stop();
  for (const server of servers) server.close();
});

test('in a browser on another origin, the package works with a user token and CORS keeps the API key out', async t => {
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
    const refusing = performance.now();
    try {
      await new SessionsClient({ baseUrl, apiKey }).listSessions('ivy');
    } catch (error) {
      apiKeyRefused = `${(error as Error).name}: ${(error as Error).message}`;
    }
    return { sessionId, items, events, apiKeyRefused, refusedInMs: performance.now() - refusing };
  }, { baseUrl: silo.baseUrl, token: token.token, apiKey: silo.apiKey }).catch(error => { throw new Error(`${error.message}\n${console.join('\n')}`); });

  assert.deepEqual(outcome.items, [{ role: 'user', content: 'from the browser' }, { role: 'assistant', content: 'answered' }]);
  assert.deepEqual(outcome.events, ['append', 'append']);
  assert.equal((await backend.getSession(outcome.sessionId)).userId, 'ivy');
  assert.match(outcome.apiKeyRefused, /^SessionsCorsError: .*CORS.*X-Api-Key/, 'the browser refuses to send X-Api-Key cross-origin (CORS), so fetch fails');
  t.diagnostic(`the API key refused in ${Math.round(outcome.refusedInMs)} ms`);
  assert.ok(outcome.refusedInMs < 1000, `refused at once, not retried: ${outcome.refusedInMs} ms`);
  assert.ok(console.some(line => /x-api-key/i.test(line) && /not allowed/i.test(line)), console.join('\n'));
  await page.close();
});

test('on a page whose origin the silo does not allow, a call fails at once with an error that names CORS', async t => {
  const backend = new SessionsClient({ baseUrl: silo.baseUrl, apiKey: silo.apiKey });
  const token = await backend.createUserToken('jay');
  await backend.createSession({ userId: 'jay', sessionId: 'jay-1' });
  const page = await browser.newPage();
  await page.goto(`${stranger}/`);

  const outcome = await page.evaluate(async ({ baseUrl, token, closed }) => {
    const packageUrl = '/index.js';
    const { SessionsClient } = await import(packageUrl);
    const failure = async (call: () => Promise<unknown>) => {
      const started = performance.now();
      try {
        await call();
        return { error: 'none', ms: performance.now() - started };
      } catch (error) {
        return { error: `${(error as Error).name}: ${(error as Error).message}`, ms: performance.now() - started };
      }
    };
    const client = new SessionsClient({ baseUrl, token });
    const read = await failure(() => client.getSession('jay-1'));
    const stream = await failure(async () => {
      for await (const event of client.streamEvents('jay-1', { afterSeq: 0 })) return event;
    });
    // A silo that does not answer at all is a failed connection, retried as before.
    const down = await failure(() => new SessionsClient({ baseUrl: closed, token, retries: 1 }).getSession('jay-1'));
    return { read, stream, down };
  }, { baseUrl: silo.baseUrl, token: token.token, closed: 'http://127.0.0.1:9' });

  for (const call of [outcome.read, outcome.stream]) {
    assert.match(call.error, /^SessionsCorsError: The browser blocked the request .*\(CORS\).*does not allow pages from http:\/\/127\.0\.0\.1:\d+.*Cors:Origins/);
    assert.ok(call.ms < 1000, `failed in ${call.ms} ms`);
  }
  t.diagnostic(`refused in ${Math.round(outcome.read.ms)} ms (read), ${Math.round(outcome.stream.ms)} ms (stream); no answer: ${Math.round(outcome.down.ms)} ms`);
  assert.match(outcome.down.error, /^TypeError: /);
  assert.ok(outcome.down.ms >= 500, `a failed connection is still retried (${outcome.down.ms} ms)`);
  await page.close();
});

test('the docs\' no-bundler page (an import map to the built dist) works as written', async () => {
  const backend = new SessionsClient({ baseUrl: silo.baseUrl, apiKey: silo.apiKey });
  await backend.createSession({ userId: 'me', sessionId: 'me-1' });
  const page = await browser.newPage();
  const console: string[] = [];
  page.on('console', message => console.push(message.text()));
  await page.goto(`${frontend}/importmap.html`);
  await page.waitForFunction(() => document.body.textContent === 'Conversations: 1', undefined, { timeout: 10_000 })
    .catch(error => { throw new Error(`${error.message}\n${console.join('\n')}`); });
  await page.close();
});

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { startSilo, type TestSilo } from './silo.js';

const run = promisify(execFile);
const packageRoot = process.cwd();
let silo: TestSilo;
let scratch: string;

before(async () => {
  silo = await startSilo();
  scratch = mkdtempSync(join(tmpdir(), 'orleans-sessions-pack-'));
});

after(async () => {
  await silo?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** npm, quietly, preferring its cache (the registry is asked only for what the cache lacks). */
function npm(cwd: string, ...args: string[]) {
  return run('npm', [...args, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd, maxBuffer: 16 * 1024 * 1024 });
}

test('a clean checkout packs (npm ci, npm pack) into a tarball a project installs and imports, client and Agents SDK session', async t => {
  // The package as a clean checkout has it: sources, no dist, no node_modules.
  const checkout = join(scratch, 'checkout');
  cpSync(packageRoot, checkout, { recursive: true, filter: source => !/[\\/](node_modules|dist|build-test|test-results)$/.test(source) });
  let started = Date.now();
  await npm(checkout, 'ci');
  t.diagnostic(`npm ci: ${Date.now() - started} ms`);
  started = Date.now();
  const { stdout } = await npm(checkout, 'pack', '--json', '--pack-destination', scratch);
  const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const files = packed!.files.map(f => f.path);
  for (const file of ['package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/client.js', 'dist/agentsSession.d.ts']) assert.ok(files.includes(file), `${file} is not in ${files.join(', ')}`);
  assert.ok(!files.some(f => f.startsWith('test/')), 'no tests in the package');
  t.diagnostic(`npm pack: ${Date.now() - started} ms; ${packed!.filename}: ${files.length} files`);

  // A project that installs the tarball (and the Agents SDK core, for the session), then calls a real silo.
  const project = join(scratch, 'project');
  cpSync(join(scratch, packed!.filename), join(project, packed!.filename));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
  started = Date.now();
  await npm(project, 'install', `./${packed!.filename}`, '@openai/agents-core@0.20.0');
  t.diagnostic(`npm install: ${Date.now() - started} ms`);
  assert.ok(readdirSync(join(project, 'node_modules', 'orleans-sessions-client', 'dist')).includes('index.js'));
  writeFileSync(join(project, 'main.mjs'), `
    import { OrleansSession, SessionsClient } from 'orleans-sessions-client';
    import { MemorySession } from '@openai/agents-core';
    const client = new SessionsClient({ baseUrl: process.env.SILO_URL, apiKey: process.env.SILO_API_KEY });
    const info = await client.createSession({ userId: 'packed' });
    const session = new OrleansSession({ client, sessionId: info.sessionId });
    await session.addItems([{ role: 'user', content: 'from the tarball' }]);
    console.log(JSON.stringify({ userId: info.userId, items: await session.getItems(), sdk: typeof MemorySession }));
  `);
  const ran = await run(process.execPath, ['main.mjs'], { cwd: project, env: { ...process.env, SILO_URL: silo.baseUrl, SILO_API_KEY: silo.apiKey } });
  assert.deepEqual(JSON.parse(ran.stdout), { userId: 'packed', items: [{ role: 'user', content: 'from the tarball' }], sdk: 'function' });

  // Its types, as a TypeScript project sees them: OrleansSession is the SDK's Session.
  writeFileSync(join(project, 'typed.ts'), `
    import type { Session } from '@openai/agents-core';
    import { OrleansSession, SessionsClient, type SessionEvent } from 'orleans-sessions-client';
    const client = new SessionsClient({ baseUrl: 'https://sessions.example', token: async () => ({ token: 't', expiresAt: '2030-01-01T00:00:00Z' }) });
    export const session: Session = new OrleansSession({ client });
    export const events: AsyncGenerator<SessionEvent> = client.streamEvents('s', { afterSeq: 0 });
  `);
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022', 'dom', 'dom.iterable'], types: [], skipLibCheck: true },
    files: ['typed.ts'],
  }));
  await run(process.execPath, [join(packageRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: project })
    .catch((error: { stdout?: string }) => { throw new Error(`tsc: ${error.stdout}`); });
});

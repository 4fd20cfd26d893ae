import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SessionsClient } from '../src/index.js';

/** A redis-server and a silo process (the built OrleansSessions.Silo.dll) on free loopback ports, with one tenant
 * whose API key only this test run knows. */
export interface TestSilo {
  baseUrl: string;
  apiKey: string;
  stop(): Promise<void>;
}

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** Starts a silo before this file's tests and stops it after them; `use` is given it and a client holding its API key. */
export function siloForThisFile(use: (silo: TestSilo, apiClient: SessionsClient) => void): void {
  let started: TestSilo | undefined;
  before(async () => {
    started = await startSilo();
    use(started, new SessionsClient({ baseUrl: started.baseUrl, apiKey: started.apiKey }));
  });
  after(async () => {
    await started?.stop();
  });
}

export async function startSilo(settings: Record<string, string> = {}): Promise<TestSilo> {
  const redisPort = await freePort();
  const redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const apiKey = 'osk_' + randomBytes(24).toString('base64url');
  const port = await freePort();
  const keyPrefix = 'ts' + randomUUID().slice(0, 8);
  const silo = spawn('dotnet', [siloAssembly(), '--urls', `http://127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      Redis__ConnectionString: `127.0.0.1:${redisPort}`,
      Sessions__KeyPrefix: keyPrefix,
      // Its own one-silo Orleans cluster, on free loopback ports.
      Orleans__ClusterId: keyPrefix,
      Orleans__SiloPort: '0',
      Orleans__GatewayPort: '0',
      Orleans__AdvertisedAddress: '127.0.0.1',
      Auth__Tenants__web__KeyHashes__0: 'sha256:' + createHash('sha256').update(apiKey).digest('hex'),
      Auth__TokenSigningKey: randomBytes(32).toString('base64'),
      Silo__ShutdownDrainDelay: '00:00:00',
      Logging__LogLevel__Default: 'Warning',
      ...Object.fromEntries(Object.entries(settings).map(([key, value]) => [key.replaceAll(':', '__'), value])),
    },
  });
  let output = '';
  silo.stdout!.on('data', chunk => { output += chunk; });
  silo.stderr!.on('data', chunk => { output += chunk; });
  const stop = async () => {
    await Promise.all([kill(silo), kill(redis)]);
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 600; attempt++) {
    if (silo.exitCode !== null) break;
    try {
      if ((await fetch(baseUrl + '/health/ready')).ok) return { baseUrl, apiKey, stop };
    } catch {
      // not listening yet
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`The silo did not become ready:\n${output}`);
}

function siloAssembly(): string {
  for (const configuration of ['Debug', 'Release']) {
    const path = join(repositoryRoot, 'src', 'Silo', 'bin', configuration, 'net10.0', 'OrleansSessions.Silo.dll');
    if (existsSync(path)) return path;
  }
  throw new Error('Build the silo first: dotnet build src/Silo');
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise(resolveExit => {
    child.once('exit', () => resolveExit());
    child.kill('SIGKILL');
  });
}

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';

const run = promisify(execFile);
const packageRoot = process.cwd();
const page = join(packageRoot, '..', '..', 'docs', 'clients', 'typescript.md');

/** The page's ```ts blocks, in order. */
export function typeScriptBlocks(): string[] {
  return [...readFileSync(page, 'utf8').matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map(m => m[1]!);
}

test('every TypeScript block of docs/clients/typescript.md type-checks against the package as written', async () => {
  const blocks = typeScriptBlocks();
  assert.ok(blocks.length >= 3, `${blocks.length} blocks`);
  // Inside the package, so its own name resolves to its built types (package self-reference) and the SDK to devDependencies.
  const folder = join(packageRoot, 'build-test', 'docs');
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const files = blocks.map((block, i) => {
    writeFileSync(join(folder, `block${i + 1}.ts`), block);
    return `block${i + 1}.ts`;
  });
  writeFileSync(join(folder, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022',
      lib: ['es2022', 'dom', 'dom.iterable'], types: ['node'], skipLibCheck: true,
    },
    files,
  }));
  await run(process.execPath, [join(packageRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', folder])
    .catch((error: { stdout?: string }) => assert.fail(`The docs' TypeScript does not compile:\n${error.stdout}`));
});

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

/** A block's top-level import and declare lines (one line each), and the rest. */
function split(block: string): { heads: string[]; body: string } {
  const lines = block.split('\n');
  const isHead = (line: string) => /^(import|declare) /.test(line);
  return { heads: lines.filter(isHead), body: lines.filter(line => !isHead(line)).join('\n') };
}

/** The import and declare lines of several blocks as one set: named imports from one module merged, each name once. */
function merge(heads: string[]): string {
  const named = new Map<string, Set<string>>();
  const others = new Set<string>();
  for (const line of heads) {
    const m = /^import (type )?\{([^}]*)\} from '([^']+)';$/.exec(line);
    if (!m) {
      others.add(line);
      continue;
    }
    const key = `${m[1] ?? ''}${m[3]}`;
    const names = named.get(key) ?? new Set<string>();
    for (const name of m[2]!.split(',').map(n => n.trim()).filter(Boolean)) names.add(name);
    named.set(key, names);
  }
  const imports = [...named].map(([key, names]) => {
    const type = key.startsWith('type ') ? 'type ' : '';
    return `import ${type}{ ${[...names].join(', ')} } from '${key.slice(type.length)}';`;
  });
  return [...imports, ...others].join('\n');
}

/**
 * Each block as a reader runs it: the page's first block alone; a later one after the first (whose client, agent and
 * session it may use), in a block scope of its own, with the imports of both.
 */
export function programs(blocks: string[]): string[] {
  const first = split(blocks[0]!);
  return blocks.map((block, i) => {
    if (i === 0) return block;
    const own = split(block);
    return `${merge([...first.heads, ...own.heads])}\n${first.body}\n{\n${own.body}\n}\n`;
  });
}

test('every TypeScript block of docs/clients/typescript.md type-checks against the package as written', async () => {
  const blocks = typeScriptBlocks();
  assert.ok(blocks.length >= 3, `${blocks.length} blocks`);
  // Inside the package, so its own name resolves to its built types (package self-reference) and the SDK to devDependencies.
  const folder = join(packageRoot, 'build-test', 'docs');
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const files = programs(blocks).map((program, i) => {
    writeFileSync(join(folder, `block${i + 1}.ts`), program);
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

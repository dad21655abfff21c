// `import { acquireLock } from 'redis-learn/patterns'` from a separate project, installed from the packed tarball.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, serverUrl } from '../helpers.js';
import { PATTERN_DB } from './helpers.js';

let project: string;
let tarball: string;

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'patterns', 'index.d.ts'))) throw new Error('dist/patterns is not built: run npm run build first');
  project = mkdtempSync(join(tmpdir(), 'redis-learn-consumer-'));
  // --ignore-scripts: packing must not rebuild dist under the feet of the other test files.
  execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', project], { cwd: ROOT, stdio: 'pipe' });
  tarball = join(
    project,
    readdirSync(project).find((f) => f.endsWith('.tgz'))!,
  );
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  execFileSync('npm', ['install', tarball, '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', '--silent'], {
    cwd: project,
    stdio: 'pipe',
    timeout: 240_000,
  });
}, 300_000);

/** Type-checks one file of the consumer project as a strict NodeNext module; tsc's output (empty when clean). */
function typeCheck(file: string): string {
  const config = join(project, `tsconfig.${file}.json`);
  const compilerOptions = {
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    target: 'ES2022',
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  };
  writeFileSync(config, JSON.stringify({ compilerOptions, files: [file] }));
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  return execFileSync('node', [tsc, '-p', config], { cwd: project, encoding: 'utf8', stdio: 'pipe' }).trim();
}

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('runs acquireLock from redis-learn/patterns in a separate project', () => {
    const key = `pt:package:${process.pid}:${Date.now()}`;
    writeFileSync(
      join(project, 'main.mjs'),
      `import { Redis } from 'ioredis';
import { acquireLock } from 'redis-learn/patterns';
const redis = new Redis(process.argv[2]);
const lock = await acquireLock(redis, process.argv[3], { ttlMs: 5000 });
const second = await acquireLock(redis, process.argv[3], { ttlMs: 5000 });
const out = { fence: lock.fence, second, released: await lock.release(), gone: await redis.exists(process.argv[3]) };
await redis.unlink(process.argv[3] + ':fence');
await redis.quit();
console.log(JSON.stringify(out));
`,
    );
    const out = execFileSync('node', ['main.mjs', serverUrl(PATTERN_DB), key], { cwd: project, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ fence: 1, second: null, released: true, gone: 0 });
  });

  it('ships the types: a TypeScript consumer type-checks against redis-learn/patterns', () => {
    writeFileSync(
      join(project, 'main.ts'),
      `import { Redis } from 'ioredis';
import { acquireLock, type Lock } from 'redis-learn/patterns';
export async function f(redis: Redis): Promise<number | null> {
  const lock: Lock | null = await acquireLock(redis, 'r', { ttlMs: 100 });
  return lock ? lock.fence : null;
}
// @ts-expect-error ttlMs is required
void acquireLock(new Redis(), 'r', {});
`,
    );
    // Empty output: tsc found the types and no error (it throws with its messages otherwise).
    expect(typeCheck('main.ts')).toBe('');
  });

  it('type-checks every example of the README patterns section against the packed package', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## The patterns library'));
    const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block).toContain("from 'redis-learn/patterns'");
    // The example calls the reader's own code: declare it, then check the block as one module.
    const stubs = [
      'declare function saveInvoice(o: { fence: number }): Promise<void>;',
      'declare function chargeCard(cents: number): Promise<{ id: string }>;',
      'declare function loadProduct(id: number): Promise<{ id: number; name: string } | null>;',
      'declare function saveProduct(id: number, v: { price: number }): Promise<void>;',
      'declare function saveChange(c: unknown): Promise<void>;',
      'export {};',
    ].join('\n');
    writeFileSync(join(project, 'readme.ts'), `${block}\n${stubs}\n`);
    expect(typeCheck('readme.ts')).toBe('');
  });

  it('exposes only the patterns entry: the CLI internals are not importable', () => {
    expect(() =>
      execFileSync('node', ['-e', "import('redis-learn/dist/redis/connect.js').then(()=>process.exit(0),()=>process.exit(3))"], {
        cwd: project,
      }),
    ).toThrow();
  });
});

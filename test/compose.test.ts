// docker-compose.yml's Redis run for real (issue #12): a private dockerd, an image imported from the Debian 13 tree,
// no registry. redis-learn without --url finds it on 127.0.0.1:6379, so it is up only between beforeAll and afterAll.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPOSE_LEARNER_PASSWORD, LEARNER_USER } from '../src/redis/learner-acl.js';
import { composeSkipReason, startCompose, type ComposeEnv } from './compose-env.js';
import { runCli, tempConfigHome } from './helpers.js';

const skipReason = composeSkipReason();
if (skipReason) console.warn(skipReason);

const ADMIN = { host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null };

async function learnKeys(): Promise<string[]> {
  const r = new Redis(ADMIN);
  try {
    await r.connect();
    return (await r.keys('learn:*')).sort();
  } finally {
    r.disconnect();
  }
}

describe.skipIf(skipReason)('docker-compose.yml for real (private dockerd, imported image)', () => {
  let env: ComposeEnv;
  const home = tempConfigHome();
  const cli = (args: string[]) => runCli(args, { env: { XDG_CONFIG_HOME: home }, timeoutMs: 120_000 });
  const progressFile = join(home, 'redis-learn', 'progress.json');

  beforeAll(async () => {
    const t0 = Date.now();
    env = await startCompose();
    console.info(`compose Redis healthy after ${Date.now() - t0} ms (image ${env.imported ? 'imported' : 'reused from the cache'})`);
  }, 600_000);

  afterAll(() => {
    env?.cleanup();
  }, 120_000);

  it('doctor finds the compose Redis, RedisInsight not answering, and the learner user of docker-compose.yml', async () => {
    const r = await cli(['doctor', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.server.kind).toBe('compose');
    expect(report.server.version).toMatch(/^8\./);
    expect(report.redisInsight).toEqual({ url: expect.stringMatching(/:5540/), reachable: false });
    expect(report.learner).toEqual({ user: LEARNER_USER, source: 'compose', confined: true });

    const text = await cli(['doctor']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('docker-compose server on 127.0.0.1:6379');
    expect(text.stdout).toMatch(/RedisInsight .*does not answer/);
    expect(text.stdout).toContain(`learner commands  run as restricted Redis user ${LEARNER_USER} (from docker-compose.yml)`);
  });

  it('lesson simple --auto scores full marks on it', async () => {
    const r = await cli(['lesson', 'simple', '--auto', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.server.kind).toBe('compose');
    expect(out.score).toBe(out.maxScore);
    expect(out.maxScore).toBeGreaterThan(0);
  });

  it('Redis itself refuses the restricted user a key outside learn: and FLUSHALL', async () => {
    const learner = new Redis({ ...ADMIN, username: LEARNER_USER, password: COMPOSE_LEARNER_PASSWORD, enableReadyCheck: false });
    try {
      await learner.connect();
      await expect(learner.set('learn:compose-probe', '1')).resolves.toBe('OK');
      await expect(learner.get('app:secret')).rejects.toThrow(/NOPERM/);
      await expect(learner.flushall()).rejects.toThrow(/NOPERM/);
      await learner.del('learn:compose-probe');
    } finally {
      learner.disconnect();
    }
  });

  it('keys and progress survive stop/start (named volume), and are gone after down -v', async () => {
    const admin = new Redis(ADMIN);
    await admin.connect();
    await admin.set('learn:compose:kept', 'yes');
    admin.disconnect();
    const before = await learnKeys();
    expect(before).toContain('learn:compose:kept');
    const progress = readFileSync(progressFile, 'utf8');

    env.compose(['stop', '-t', '10']);
    env.compose(['start']);
    await env.waitHealthy();
    expect(await learnKeys()).toEqual(before);
    expect(readFileSync(progressFile, 'utf8')).toBe(progress);
    const doctor = JSON.parse((await cli(['doctor', '--json'])).stdout);
    expect(doctor.server.kind).toBe('compose');

    env.compose(['down', '-v', '-t', '10']);
    env.compose(['up', '-d']);
    await env.waitHealthy();
    expect(await learnKeys()).toEqual([]);
  });
});

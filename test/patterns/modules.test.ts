// Module detection: what detectModules says is what COMMAND INFO says, it is cached per client, and backend 'module'
// on a server without the module fails with an error that names the module.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBloomFilter } from '../../src/patterns/bloom.js';
import { createJsonStore } from '../../src/patterns/json-document.js';
import {
  MODULE_COMMANDS,
  MODULE_TITLES,
  ModuleUnavailableError,
  detectModules,
  forgetModules,
  resolveModuleBackend,
  type ModuleName,
} from '../../src/patterns/modules.js';
import { createSearchIndex } from '../../src/patterns/search.js';
import { createTimeSeries } from '../../src/patterns/timeseries.js';
import { patternEnv, type PatternEnv } from './helpers.js';

const NAMES: ModuleName[] = ['json', 'search', 'bloom', 'timeseries'];

let env: PatternEnv;
beforeAll(async () => {
  env = await patternEnv('modules');
});
afterAll(async () => {
  await env.cleanup();
});

/** The truth, asked directly: a command the server does not know has a null COMMAND INFO entry. */
async function serverKnows(command: string): Promise<boolean> {
  const [info] = (await env.redis.call('COMMAND', 'INFO', command)) as unknown[];
  return Array.isArray(info);
}

describe('detectModules', () => {
  it('says exactly what COMMAND INFO says, module by module', async () => {
    const found = await detectModules(env.redis);
    expect(Object.keys(found).sort()).toEqual([...NAMES].sort());
    for (const name of NAMES) expect(found[name], name).toBe(await serverKnows(MODULE_COMMANDS[name]));
  });

  it('caches one detection per client, and asks again after forgetModules', async () => {
    const other = await env.connect();
    const first = detectModules(other);
    expect(detectModules(other)).toBe(first);
    // The same promise: no second COMMAND INFO while the first is in flight, nor after it answered.
    await first;
    expect(detectModules(other)).toBe(first);
    forgetModules(other);
    expect(detectModules(other)).not.toBe(first);
    expect(await detectModules(other)).toEqual(await first);
  });

  it("resolves 'core' always, 'auto' to what the server has, and 'module' only when the module is there", async () => {
    const found = await detectModules(env.redis);
    for (const name of NAMES) {
      expect(await resolveModuleBackend(env.redis, name, 'core')).toBe('core');
      expect(await resolveModuleBackend(env.redis, name, 'auto')).toBe(found[name] ? 'module' : 'core');
      expect(await resolveModuleBackend(env.redis, name)).toBe(found[name] ? 'module' : 'core');
      if (found[name]) {
        expect(await resolveModuleBackend(env.redis, name, 'module')).toBe('module');
      } else {
        const err = await resolveModuleBackend(env.redis, name, 'module').catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ModuleUnavailableError);
        expect((err as ModuleUnavailableError).module).toBe(name);
        expect((err as Error).message).toContain(MODULE_TITLES[name]);
        expect((err as Error).message).toContain(MODULE_COMMANDS[name]);
      }
    }
  });

  it("makes every module-backed pattern honour backend: 'module' (runs it, or refuses naming the module)", async () => {
    const found = await detectModules(env.redis);
    const attempts: Record<ModuleName, () => Promise<{ backend: string }>> = {
      json: () => createJsonStore(env.redis, { backend: 'module' }),
      search: () => createSearchIndex(env.redis, env.key('search'), { fields: { body: 'text' }, backend: 'module' }),
      bloom: () => createBloomFilter(env.redis, env.key('bloom'), { capacity: 100, errorRate: 0.01, backend: 'module' }),
      timeseries: () => createTimeSeries(env.redis, env.key('ts'), { backend: 'module' }),
    };
    for (const name of NAMES) {
      if (found[name]) {
        expect((await attempts[name]()).backend, name).toBe('module');
      } else {
        await expect(attempts[name](), name).rejects.toThrow(
          new RegExp(`${MODULE_TITLES[name].replace(/[()]/g, '\\$&')}.*${MODULE_COMMANDS[name]}`),
        );
      }
    }
  });

  it('refuses an unknown backend name', async () => {
    await expect(resolveModuleBackend(env.redis, 'json', 'fast' as never)).rejects.toThrow(/'auto', 'module' or 'core'/);
  });
});

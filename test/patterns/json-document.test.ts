// JSON documents: round trips, reads by path, atomic increments under 100 concurrent callers, path writes and deletes,
// and the module backend when the server has it (else 'auto' runs the hash of paths).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  JsonPathError,
  createJsonStore,
  flattenJson,
  toJsonPath,
  unflattenJson,
  type JsonObject,
} from '../../src/patterns/json-document.js';
import { detectModules } from '../../src/patterns/modules.js';
import { patternEnv, type PatternEnv } from './helpers.js';

let env: PatternEnv;
beforeEach(async () => {
  env = await patternEnv('json');
});
afterEach(async () => {
  await env.cleanup();
});

const user: JsonObject = {
  name: 'Ada',
  age: 36,
  active: true,
  nickname: null,
  address: { city: 'London', geo: { lat: 51.5, lon: -0.12 } },
  tags: ['math', 'engines'],
  prefs: {},
};

describe('flattenJson / unflattenJson / toJsonPath', () => {
  it('flattens objects into dot paths with JSON leaves (arrays and empty objects whole) and back', () => {
    const flat = flattenJson(user);
    expect(Object.fromEntries(flat)).toEqual({
      name: '"Ada"',
      age: '36',
      active: 'true',
      nickname: 'null',
      'address.city': '"London"',
      'address.geo.lat': '51.5',
      'address.geo.lon': '-0.12',
      tags: '["math","engines"]',
      prefs: '{}',
    });
    expect(unflattenJson(flat)).toEqual(user);
    expect(() => flattenJson({ 'a.b': 1 })).toThrow(/contain no '\.'/);
    expect(() => flattenJson({ '': 1 })).toThrow(/non-empty/);
  });

  it('rebuilds a key named __proto__ as data, never as the prototype', () => {
    const doc = unflattenJson([['__proto__.polluted', 'true']]);
    expect(Object.getPrototypeOf(doc)).toBe(Object.prototype);
    expect(Object.keys(doc)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('turns dot paths into JSONPath', () => {
    expect(toJsonPath('address.city')).toBe('$.address.city');
    expect(toJsonPath('tags.0')).toBe('$.tags[0]');
    expect(toJsonPath('odd key.x')).toBe('$["odd key"].x');
  });
});

describe('createJsonStore (core: a hash of paths)', () => {
  it('round-trips a document, reads by path (also inside arrays), and answers undefined for what is missing', async () => {
    const store = await createJsonStore(env.redis, { backend: 'core' });
    expect(store.backend).toBe('core');
    const key = env.key('user:1');
    await store.set(key, user);
    expect(await env.redis.type(key)).toBe('hash');
    expect(await env.redis.hget(key, 'address.geo.lat')).toBe('51.5');
    expect(await store.get(key)).toEqual(user);
    expect(await store.get(key, 'address')).toEqual(user.address);
    expect(await store.get(key, 'address.city')).toBe('London');
    expect(await store.get(key, 'tags.1')).toBe('engines');
    expect(await store.get(key, 'nickname')).toBeNull();
    expect(await store.get(key, 'prefs')).toEqual({});
    expect(await store.get(key, 'address.zip')).toBeUndefined();
    expect(await store.get(env.key('nobody'))).toBeUndefined();
    expect(await store.get(env.key('nobody'), 'name')).toBeUndefined();
  });

  it('replaces the whole document on set (no old field survives), and keeps an empty document', async () => {
    const store = await createJsonStore(env.redis, { backend: 'core' });
    const key = env.key('doc');
    await store.set(key, user);
    await store.set(key, { name: 'Grace' });
    expect(await store.get(key)).toEqual({ name: 'Grace' });
    await store.set(key, {});
    expect(await store.get(key)).toEqual({});
  });

  it('increments one path atomically: 100 concurrent incrBy from 10 clients count exactly', async () => {
    const store = await createJsonStore(env.redis, { backend: 'core' });
    const key = env.key('counter');
    await store.set(key, { stats: { views: 5, score: 1.5 }, title: 'x' });
    const clients = await env.connectMany(10);
    const stores = await Promise.all(clients.map((c) => createJsonStore(c, { backend: 'core' })));
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => stores[i % 10]!.incrBy(key, 'stats.views', 1)));
    // Every caller saw a different value: no two read the same old value.
    expect(new Set(results).size).toBe(100);
    expect(Math.max(...results)).toBe(105);
    expect(await store.get(key, 'stats.views')).toBe(105);
    expect(await store.incrBy(key, 'stats.score', 0.25)).toBe(1.75);
    expect(await store.get(key)).toEqual({ stats: { views: 105, score: 1.75 }, title: 'x' });
  });

  it('refuses to increment what is not a number, or what sits inside an array', async () => {
    const store = await createJsonStore(env.redis, { backend: 'core' });
    const key = env.key('typed');
    await store.set(key, { title: '5', list: [1, 2], nested: { n: 1 } });
    await expect(store.incrBy(key, 'title', 1)).rejects.toThrow(JsonPathError);
    await expect(store.incrBy(key, 'title', 1)).rejects.toThrow(/no number at title/);
    await expect(store.incrBy(key, 'missing', 1)).rejects.toThrow(/no number at missing/);
    await expect(store.incrBy(key, 'nested', 1)).rejects.toThrow(/no number at nested/);
    await expect(store.incrBy(key, 'list.0', 1)).rejects.toThrow(/list is an array or a scalar/);
    await expect(store.incrBy(key, 'nested.n', Number.NaN)).rejects.toThrow(RangeError);
    expect(await store.get(key)).toEqual({ title: '5', list: [1, 2], nested: { n: 1 } });
  });

  it('sets a path: replaces a subtree, fills an empty object, refuses a missing parent or a missing document', async () => {
    const store = await createJsonStore(env.redis, { backend: 'core' });
    const key = env.key('paths');
    await store.set(key, { a: { b: 1, c: { d: 2 } }, empty: {}, n: 3 });
    await store.setPath(key, 'a.c', { e: [1, 2], f: 'g' });
    expect(await store.get(key)).toEqual({ a: { b: 1, c: { e: [1, 2], f: 'g' } }, empty: {}, n: 3 });
    await store.setPath(key, 'empty.x', 1);
    await store.setPath(key, 'a', 7);
    expect(await store.get(key)).toEqual({ a: 7, empty: { x: 1 }, n: 3 });
    await expect(store.setPath(key, 'nope.x', 1)).rejects.toThrow(/parent nope does not exist/);
    await expect(store.setPath(key, 'n.x', 1)).rejects.toThrow(/n is not an object/);
    await expect(store.setPath(env.key('missing'), 'a', 1)).rejects.toThrow(/no document/);
    expect(await store.get(key)).toEqual({ a: 7, empty: { x: 1 }, n: 3 });
    await expect(store.setPath(key, 'n.x', 1)).rejects.toThrow(JsonPathError);
  });

  it('deletes a path (its parent stays, as {} when emptied) or the whole document', async () => {
    const store = await createJsonStore(env.redis, { backend: 'core' });
    const key = env.key('del');
    await store.set(key, { a: { b: { c: 1 } }, x: 1 });
    expect(await store.delete(key, 'a.b.c')).toBe(true);
    expect(await store.get(key)).toEqual({ a: { b: {} }, x: 1 });
    expect(await store.delete(key, 'a')).toBe(true);
    expect(await store.delete(key, 'a')).toBe(false);
    expect(await store.get(key)).toEqual({ x: 1 });
    expect(await store.delete(key, 'x')).toBe(true);
    expect(await store.get(key)).toEqual({});
    expect(await store.delete(key)).toBe(true);
    expect(await store.get(key)).toBeUndefined();
    expect(await store.delete(key)).toBe(false);
  });
});

describe('createJsonStore (backend)', () => {
  it("runs RedisJSON when the server has it, and otherwise 'auto' runs the hash of paths", async () => {
    const { json } = await detectModules(env.redis);
    const store = await createJsonStore(env.redis);
    expect(store.backend).toBe(json ? 'module' : 'core');
    const key = env.key('auto');
    await store.set(key, user);
    expect(await store.get(key)).toEqual(user);
    expect(await store.get(key, 'address.city')).toBe('London');
    expect(await store.get(key, 'tags.1')).toBe('engines');
    expect(await store.get(key, 'address.zip')).toBeUndefined();
    expect(await store.incrBy(key, 'age', 2)).toBe(38);
    await expect(store.incrBy(key, 'name', 1)).rejects.toThrow(JsonPathError);
    await store.setPath(key, 'address.city', 'Paris');
    expect(await store.get(key, 'address')).toEqual({ city: 'Paris', geo: { lat: 51.5, lon: -0.12 } });
    expect(await store.delete(key, 'address.geo')).toBe(true);
    expect(await store.get(key, 'address')).toEqual({ city: 'Paris' });
    if (json) {
      expect(await env.redis.type(key)).toBe('ReJSON-RL');
      const clients = await env.connectMany(10);
      const stores = await Promise.all(clients.map((c) => createJsonStore(c, { backend: 'module' })));
      await Promise.all(Array.from({ length: 100 }, (_, i) => stores[i % 10]!.incrBy(key, 'age', 1)));
      expect(await store.get(key, 'age')).toBe(138);
    } else {
      expect(await env.redis.type(key)).toBe('hash');
    }
  });
});

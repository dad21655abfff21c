// The shop's keyspace the learner diagnoses: a list with the most elements, a hash with the most bytes, a product
// catalogue (one product hot), sessions of which some lack their TTL, cached pages and one-time codes that expire.
// Loaded pipelined on an unrecorded connection, in well under a second.
import type { Redis } from 'ioredis';
import { EVENTS, FEATURED, K, PAGES, PRODUCTS, RENDER_FIELDS, RENDER_VALUE_BYTES, SESSION_NO_TTL_EVERY, SESSIONS } from '../shared.js';

/** What a load wrote, for the narration. */
export interface LoadReport {
  keys: number;
  ms: number;
  commands: number;
}

/** A product's JSON: never a small integer, so no two keys share one object (OBJECT FREQ would read the same counter). */
function product(id: number): string {
  return JSON.stringify({ id, name: `Product ${id}`, price: ((id * 37) % 9000) / 100 + 5, stock: (id * 13) % 97 });
}

/** A fragment of rendered HTML, ~RENDER_VALUE_BYTES long. */
function fragment(i: number): string {
  const head = `<div class="tile" data-i="${i}">`;
  return (
    head +
    'lorem ipsum dolor sit amet '.repeat(Math.ceil(RENDER_VALUE_BYTES / 27)).slice(0, RENDER_VALUE_BYTES - head.length - 6) +
    '</div>'
  );
}

/** True when the big keys and the featured products are there as loaded. */
export async function datasetPresent(admin: Redis, key: (name: string) => string): Promise<boolean> {
  const p = admin.pipeline();
  p.llen(key(K.events));
  p.hlen(key(K.render));
  for (const id of FEATURED) p.exists(key(K.product(id)));
  const res = ((await p.exec()) ?? []).map(([err, v]) => (err ? -1 : Number(v)));
  return res[0] === EVENTS && res[1] === RENDER_FIELDS && res.slice(2).every((n) => n === 1);
}

/**
 * Writes the dataset. The policy is LFU while the keys are created, so every key starts with a well-formed access
 * counter (a key created under an LRU policy holds a clock reading that OBJECT FREQ would misread once LFU is on);
 * the policy it found is put back after.
 */
export async function loadDataset(admin: Redis, key: (name: string) => string): Promise<LoadReport> {
  const t0 = performance.now();
  const policy = ((await admin.config('GET', 'maxmemory-policy')) as string[])[1] ?? 'noeviction';
  await admin.config('SET', 'maxmemory-policy', 'allkeys-lfu');
  let commands = 0;
  let keys = 0;
  try {
    await admin.unlink(key(K.events), key(K.render));
    const p = admin.pipeline();
    const chunk = 2_000;
    for (let i = 0; i < EVENTS; i += chunk) {
      const ids = Array.from({ length: Math.min(chunk, EVENTS - i) }, (_, j) => String(1_000_000 + (((i + j) * 7919) % 8_999_983)));
      p.rpush(key(K.events), ...ids);
      commands++;
    }
    keys++;
    for (let i = 0; i < RENDER_FIELDS; i += 200) {
      const fields: string[] = [];
      for (let j = i; j < Math.min(i + 200, RENDER_FIELDS); j++) fields.push(`tile:${j}`, fragment(j));
      p.hset(key(K.render), ...fields);
      commands++;
    }
    keys++;
    for (let id = PRODUCTS.first; id <= PRODUCTS.last; id++) {
      p.set(key(K.product(id)), product(id));
      commands++;
      keys++;
    }
    for (let i = 0; i < SESSIONS; i++) {
      const value = JSON.stringify({ user: 5000 + i, cart: (i * 7) % 5 });
      // The login path that forgot its EX: these sessions never expire.
      if (i % SESSION_NO_TTL_EVERY === 0) p.set(key(K.session(i)), value);
      else p.set(key(K.session(i)), value, 'EX', 1800 + (i % 1800));
      commands++;
      keys++;
    }
    for (let i = 0; i < PAGES; i++) {
      p.set(key(K.page(i)), `<html>page ${i}</html>`, 'EX', 7200 + i);
      commands++;
      keys++;
    }
    await p.exec();
  } finally {
    await admin.config('SET', 'maxmemory-policy', policy);
  }
  return { keys, ms: performance.now() - t0, commands };
}

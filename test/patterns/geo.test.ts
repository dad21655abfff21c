import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addLocations,
  distanceBetween,
  locationOf,
  nearestLocations,
  removeLocations,
  searchBox,
  searchRadius,
  type GeoPlace,
} from '../../src/patterns/geo.js';
import { patternEnv, type PatternEnv } from './helpers.js';

let env: PatternEnv;
beforeEach(async () => {
  env = await patternEnv('geo');
});
afterEach(async () => {
  await env.cleanup();
});

const center = { longitude: 13.361389, latitude: 38.115556 };
/** Haversine on the sphere Redis uses (radius 6372797.560856 m). */
function metres(a: { longitude: number; latitude: number }, b: { longitude: number; latitude: number }): number {
  const r = (d: number) => (d * Math.PI) / 180;
  const h =
    Math.sin(r(b.latitude - a.latitude) / 2) ** 2 +
    Math.cos(r(a.latitude)) * Math.cos(r(b.latitude)) * Math.sin(r(b.longitude - a.longitude) / 2) ** 2;
  return 2 * 6372797.560856 * Math.asin(Math.sqrt(h));
}
const at = (member: string, dLon: number, dLat: number): GeoPlace => ({
  member,
  longitude: center.longitude + dLon,
  latitude: center.latitude + dLat,
});
// Roughly: north 111 m, south 334 m, east 175 m, north 890 m, north 2.2 km, west 4.4 km.
const places = [
  at('north-111', 0, 0.001),
  at('south-334', 0, -0.003),
  at('east-175', 0.002, 0),
  at('north-890', 0, 0.008),
  at('north-2224', 0, 0.02),
  at('west-4376', -0.05, 0),
];

describe('geo', () => {
  it('returns exactly the places within a radius, sorted by distance, with their distances', async () => {
    const key = env.key('shops');
    expect(await addLocations(env.redis, key, places)).toBe(6);
    const found = await searchRadius(env.redis, key, center, 1, { unit: 'km' });
    expect(found.map((f) => f.member)).toEqual(['north-111', 'east-175', 'south-334', 'north-890']);
    for (const f of found) {
      const p = places.find((x) => x.member === f.member)!;
      expect(Math.abs(f.distance * 1000 - metres(center, p))).toBeLessThan(1);
      expect(Math.abs(f.longitude - p.longitude)).toBeLessThan(1e-5);
      expect(Math.abs(f.latitude - p.latitude)).toBeLessThan(1e-5);
    }
    expect((await searchRadius(env.redis, key, center, 1000, { order: 'DESC', count: 2 })).map((f) => f.member)).toEqual([
      'north-890',
      'south-334',
    ]);
    expect((await searchRadius(env.redis, key, { member: 'north-2224' }, 100)).map((f) => [f.member, f.distance])).toEqual([
      ['north-2224', 0],
    ]);
    expect(await searchRadius(env.redis, env.key('none'), center, 1000)).toEqual([]);
  });

  it('searches a box and finds the nearest N', async () => {
    const key = env.key('box');
    await addLocations(env.redis, key, places);
    expect((await searchBox(env.redis, key, center, 1000, 1000)).map((f) => f.member)).toEqual(['north-111', 'east-175', 'south-334']);
    expect((await searchBox(env.redis, key, center, 0.2, 4, { unit: 'km' })).map((f) => f.member)).toEqual([
      'north-111',
      'south-334',
      'north-890',
    ]);
    expect((await nearestLocations(env.redis, key, { member: 'north-111' }, 2)).map((f) => f.member)).toEqual(['north-111', 'east-175']);
    expect((await nearestLocations(env.redis, key, center, 6, { unit: 'mi' })).map((f) => f.member)).toEqual([
      'north-111',
      'east-175',
      'south-334',
      'north-890',
      'north-2224',
      'west-4376',
    ]);
    expect(await nearestLocations(env.redis, key, center, 3, { maxRadius: 150 })).toHaveLength(1);
  });

  it('measures the distance between two members, and moves and removes places', async () => {
    const key = env.key('dist');
    await addLocations(env.redis, key, places);
    const d = await distanceBetween(env.redis, key, 'north-111', 'south-334');
    expect(Math.abs(d! - metres(places[0]!, places[1]!))).toBeLessThan(1);
    expect(Math.abs((await distanceBetween(env.redis, key, 'north-111', 'south-334', 'km'))! - d! / 1000)).toBeLessThan(0.001);
    expect(await distanceBetween(env.redis, key, 'north-111', 'nowhere')).toBeNull();
    expect(await addLocations(env.redis, key, [at('north-111', 0, 0.5)])).toBe(0);
    expect(Math.abs((await locationOf(env.redis, key, 'north-111'))!.latitude - (center.latitude + 0.5))).toBeLessThan(1e-5);
    expect(await removeLocations(env.redis, key, ['north-111', 'nowhere'])).toBe(1);
    expect(await locationOf(env.redis, key, 'north-111')).toBeNull();
    expect(await addLocations(env.redis, key, [])).toBe(0);
  });

  it('stores 200 places added concurrently from 10 connections', async () => {
    const key = env.key('race');
    const clients = await env.connectMany(10);
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        addLocations(clients[i % 10]!, key, [at(`p${i}`, (i % 20) * 0.001, Math.floor(i / 20) * 0.001)]),
      ),
    );
    expect(await env.redis.zcard(key)).toBe(200);
    expect(await nearestLocations(env.redis, key, center, 1000)).toHaveLength(200);
  });
});

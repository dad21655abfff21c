// Geospatial: places in a sorted set scored by a 52-bit geohash, searched by radius or box with GEOSEARCH (Redis 6.2+).
//
// GEOADD stores each position to within about 0.6 m. GEOSEARCH scans the geohash cells around the area, so it costs
// O(N + log M) for N places in those cells: keep one key per city or region rather than the whole planet in one key.
import type { RedisClient } from './client.js';

/** Units GEOSEARCH and GEODIST accept. */
export type GeoUnit = 'm' | 'km' | 'mi' | 'ft';

/** A named position. Longitude first, as Redis takes it: -180..180, latitude -85.05112878..85.05112878. */
export interface GeoPlace {
  member: string;
  longitude: number;
  latitude: number;
}

/** A search result: the place, its distance from the centre (in the search's unit) and its stored position. */
export interface GeoMatch extends GeoPlace {
  distance: number;
}

/** Where a search is centred: a stored member, or a longitude and latitude. */
export type GeoCenter = { member: string } | { longitude: number; latitude: number };

/** Unit, order and result count of a GEOSEARCH. */
export interface GeoSearchOptions {
  /** Default 'm'. */
  unit?: GeoUnit;
  /** Nearest first (default) or farthest first. */
  order?: 'ASC' | 'DESC';
  /** At most this many results (the nearest ones, after the server has measured every place in the area). */
  count?: number;
}

/** Adds or moves places with GEOADD (one command, atomic); returns how many were new. */
export async function addLocations(redis: RedisClient, key: string, places: readonly GeoPlace[]): Promise<number> {
  if (!places.length) return 0;
  return Number(await redis.geoadd(key, ...places.flatMap((p) => [p.longitude, p.latitude, p.member])));
}

/** Removes places (a geo set is a sorted set, so ZREM); returns how many were there. */
export async function removeLocations(redis: RedisClient, key: string, members: readonly string[]): Promise<number> {
  if (!members.length) return 0;
  return Number(await redis.zrem(key, ...members));
}

/** A stored place's position (as decoded from its geohash), or null when it is not in the set. */
export async function locationOf(redis: RedisClient, key: string, member: string): Promise<GeoPlace | null> {
  const [pos] = (await redis.geopos(key, member)) as ([string | number, string | number] | null)[];
  return pos ? { member, longitude: Number(pos[0]), latitude: Number(pos[1]) } : null;
}

function centerArgs(center: GeoCenter): (string | number)[] {
  return 'member' in center ? ['FROMMEMBER', center.member] : ['FROMLONLAT', center.longitude, center.latitude];
}

async function geoSearch(
  redis: RedisClient,
  key: string,
  center: GeoCenter,
  shape: (string | number)[],
  opts: GeoSearchOptions,
): Promise<GeoMatch[]> {
  const args: (string | number)[] = [...centerArgs(center), ...shape, opts.order ?? 'ASC'];
  if (opts.count !== undefined) {
    if (!Number.isInteger(opts.count) || opts.count <= 0) throw new RangeError(`count must be a whole number above 0, got ${opts.count}`);
    args.push('COUNT', opts.count);
  }
  // Each reply row is [member, distance, [longitude, latitude]] in RESP2 and RESP3 alike.
  const rows = (await redis.geosearch(key, ...args, 'WITHDIST', 'WITHCOORD')) as [
    string,
    string | number,
    [string | number, string | number],
  ][];
  return rows.map(([member, distance, [longitude, latitude]]) => ({
    member: String(member),
    distance: Number(distance),
    longitude: Number(longitude),
    latitude: Number(latitude),
  }));
}

/** Places within `radius` of the centre, nearest first by default, each with its distance (GEOSEARCH BYRADIUS). */
export async function searchRadius(
  redis: RedisClient,
  key: string,
  center: GeoCenter,
  radius: number,
  opts: GeoSearchOptions = {},
): Promise<GeoMatch[]> {
  return geoSearch(redis, key, center, ['BYRADIUS', radius, opts.unit ?? 'm'], opts);
}

/** Places inside a `width` × `height` box centred on the centre (GEOSEARCH BYBOX), nearest first by default. */
export async function searchBox(
  redis: RedisClient,
  key: string,
  center: GeoCenter,
  width: number,
  height: number,
  opts: GeoSearchOptions = {},
): Promise<GeoMatch[]> {
  const unit = opts.unit ?? 'm';
  return geoSearch(redis, key, center, ['BYBOX', width, height, unit], opts);
}

/**
 * The `n` places nearest the centre, within `maxRadius` (default: half the Earth's circumference, i.e. anywhere).
 * GEOSEARCH needs an area: a tight `maxRadius` is much cheaper, because the server measures every place inside it
 * before keeping the nearest `n`. When the centre is a member, it is in the answer (distance 0).
 */
export async function nearestLocations(
  redis: RedisClient,
  key: string,
  center: GeoCenter,
  n: number,
  opts: { unit?: GeoUnit; maxRadius?: number } = {},
): Promise<GeoMatch[]> {
  const unit = opts.unit ?? 'm';
  const anywhere = { m: 20_037_509, km: 20_037.509, mi: 12_450.5, ft: 65_740_000 }[unit];
  return searchRadius(redis, key, center, opts.maxRadius ?? anywhere, { unit, count: n, order: 'ASC' });
}

/** The distance between two stored places (GEODIST, on a sphere: up to 0.5% off on the real Earth), or null if either is missing. */
export async function distanceBetween(redis: RedisClient, key: string, a: string, b: string, unit: GeoUnit = 'm'): Promise<number | null> {
  const d = await redis.geodist(key, a, b, unit.toUpperCase() as 'M');
  return d === null ? null : Number(d);
}

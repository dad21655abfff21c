// Geospatial search: places in a geo set searched by radius, box and nearest-n, then an exercise that adds two bike
// docks and stores the ones within 5 km with GEOSEARCHSTORE.
import { all, builtOnServer, custom, ranCommands } from '../../engine/checks.js';
import { expanded, fresh } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import { addLocations, distanceBetween, nearestLocations, searchBox, searchRadius, type GeoMatch } from '../../patterns/index.js';
import { AMSTERDAM, DOCK_CENTRE, DOCK_RADIUS_KM, DOCKS, NEW_DOCKS } from './shared.js';

const PLACES = 'probabilistic:geo:amsterdam';
const DOCKS_KEY = 'probabilistic:geo:docks';
const NEAR_KEY = 'probabilistic:geo:near-centraal';

const geoadd = (places: readonly [string, number, number][]) => places.map(([m, lon, lat]) => `${lon} ${lat} ${m}`).join(' ');
const SEARCH_ARGS = `FROMLONLAT ${DOCK_CENTRE.longitude} ${DOCK_CENTRE.latitude} BYRADIUS ${DOCK_RADIUS_KM} km`;

export const geoSteps: StepSpec[] = [
  {
    id: 'geo-search',
    kind: 'code',
    async run(ctx) {
      const key = ctx.key(PLACES);
      await ctx.claim([key]);
      await ctx.unrecorded.unlink(key);
      await addLocations(
        ctx.redis,
        key,
        AMSTERDAM.map(([member, longitude, latitude]) => ({ member, longitude, latitude })),
      );
      const radius = await searchRadius(ctx.redis, key, { member: 'dam-square' }, 1, { unit: 'km' });
      const box = await searchBox(ctx.redis, key, { member: 'dam-square' }, 4, 2, { unit: 'km' });
      const nearest = await nearestLocations(ctx.redis, key, { longitude: 4.8897, latitude: 52.374 }, 3, { unit: 'km', maxRadius: 10 });
      const airport = await distanceBetween(ctx.redis, key, 'centraal-station', 'schiphol', 'km');
      const rows = (label: string, matches: GeoMatch[]) => matches.map((m, i) => [i === 0 ? label : '', m.member, m.distance.toFixed(2)]);
      ctx.table(
        ['question', 'place', 'km'],
        [
          ...rows('within 1 km of dam-square', radius),
          ...rows('in a 4 × 2 km box around dam-square', box),
          ...rows('the 3 nearest to a phone at 4.8897 52.374', nearest),
          ['centraal-station to schiphol (GEODIST)', 'schiphol', airport === null ? '-' : airport.toFixed(2)],
        ],
      );
      ctx.say(
        `the geo set is a sorted set: TYPE says ${await ctx.unrecorded.type(key)}, each score a 52-bit geohash; ZCARD counts the places and ZREM removes one`,
      );
    },
  },
  {
    id: 'geo-within',
    kind: 'exercise',
    points: 3,
    setup: (ctx) =>
      fresh(ctx, [DOCKS_KEY, NEAR_KEY], (k) => ctx.unrecorded.geoadd(k(DOCKS_KEY), ...DOCKS.flatMap(([m, lon, lat]) => [lon, lat, m]))),
    check: expanded(
      all(
        custom(`{ns}${DOCKS_KEY} has ${NEW_DOCKS.map(([m]) => m).join(' and ')} at their positions`, async (ctx) => {
          const key = ctx.key(DOCKS_KEY);
          const positions = (await ctx.unrecorded.geopos(key, ...NEW_DOCKS.map(([m]) => m))) as ([string, string] | null)[];
          for (const [i, [member, lon, lat]] of NEW_DOCKS.entries()) {
            const pos = positions[i];
            if (!pos) return { pass: false, actual: `${member} is not in ${key} yet` };
            const [gotLon, gotLat] = pos.map(Number) as [number, number];
            if (Math.abs(gotLon - lat) < 0.001 && Math.abs(gotLat - lon) < 0.001) {
              return {
                pass: false,
                actual: `${member} is at longitude ${gotLon.toFixed(4)}, latitude ${gotLat.toFixed(4)}, off the coast of Somalia: GEOADD takes the longitude first`,
              };
            }
            if (Math.abs(gotLon - lon) > 0.0001 || Math.abs(gotLat - lat) > 0.0001) {
              return { pass: false, actual: `${member} is at ${gotLon.toFixed(4)} ${gotLat.toFixed(4)}, want ${lon} ${lat}` };
            }
          }
          return { pass: true, actual: `${NEW_DOCKS.map(([m]) => m).join(' and ')} are in ${key}` };
        }),
        custom(`{ns}${NEAR_KEY} = the docks within ${DOCK_RADIUS_KM} km of Centraal Station`, async (ctx) => {
          const dest = ctx.key(NEAR_KEY);
          const type = await ctx.unrecorded.type(dest);
          const ran = ranCommands(ctx.history);
          if (type !== 'zset') {
            const empty = ran.find((c) => c.name === 'GEOSEARCHSTORE' && c.args[1] === dest && Number(c.reply) === 0);
            return {
              pass: false,
              actual:
                type !== 'none'
                  ? `${dest} is a ${type}`
                  : empty
                    ? `${dest} does not exist: ${empty.name} found nothing (check the unit: m, km, mi or ft), and an empty result stores no key`
                    : `${dest} does not exist`,
            };
          }
          const want = (
            (await ctx.unrecorded.call(
              'GEOSEARCH',
              ctx.key(DOCKS_KEY),
              'FROMLONLAT',
              String(DOCK_CENTRE.longitude),
              String(DOCK_CENTRE.latitude),
              'BYRADIUS',
              String(DOCK_RADIUS_KM),
              'km',
            )) as string[]
          ).sort();
          const got = (await ctx.unrecorded.zrange(dest, '0', '-1')).sort();
          const missing = want.filter((m) => !got.includes(m));
          const extra = got.filter((m) => !want.includes(m));
          if (!missing.length && !extra.length) return { pass: true, actual: `${dest} = {${got.join(', ')}}` };
          const stored = ran.findLastIndex((c) => c.name === 'GEOSEARCHSTORE' && c.args[1] === dest);
          const addedAfter = stored >= 0 && ran.slice(stored + 1).some((c) => c.name === 'GEOADD' && c.args[1] === ctx.key(DOCKS_KEY));
          const by = stored >= 0 ? ran[stored]!.args.findIndex((a) => a.toUpperCase() === 'BYRADIUS') : -1;
          const radius = by >= 0 ? `${ran[stored]!.args[by + 1]} ${ran[stored]!.args[by + 2]}` : null;
          const why = addedAfter
            ? ': GEOSEARCHSTORE stored the answer before the GEOADD; search again now'
            : radius !== null && radius.toLowerCase() !== `${DOCK_RADIUS_KM} km`
              ? `: you searched BYRADIUS ${radius}; the unit comes right after the radius (m, km, mi or ft)`
              : '';
          return {
            pass: false,
            actual: `${dest} = {${got.join(', ')}}${missing.length ? `, missing ${missing.join(', ')}` : ''}${
              extra.length ? `, and ${extra.join(', ')} ${extra.length > 1 ? 'are' : 'is'} farther than ${DOCK_RADIUS_KM} km` : ''
            }${why}`,
          };
        }),
        builtOnServer(NEAR_KEY, 'GEOSEARCHSTORE'),
      ),
    ),
    hints: [
      'Add the docks first (longitude, then latitude), then one command searches and stores the result.',
      'GEOADD key lon lat member [lon lat member …] · GEOSEARCHSTORE destination source FROMLONLAT lon lat BYRADIUS radius km',
    ],
    solution: [`GEOADD {ns}${DOCKS_KEY} ${geoadd(NEW_DOCKS)}`, `GEOSEARCHSTORE {ns}${NEAR_KEY} {ns}${DOCKS_KEY} ${SEARCH_ARGS}`],
    wrong: [
      // The search result typed back into the destination by hand.
      [
        `GEOADD {ns}${DOCKS_KEY} ${geoadd(NEW_DOCKS)}`,
        `GEOSEARCH {ns}${DOCKS_KEY} ${SEARCH_ARGS}`,
        `GEOADD {ns}${NEAR_KEY} ${geoadd([...DOCKS.slice(0, 4), NEW_DOCKS[0]!])}`,
      ],
      // Stored before the new docks were added: museumplein is missing.
      [`GEOSEARCHSTORE {ns}${NEAR_KEY} {ns}${DOCKS_KEY} ${SEARCH_ARGS}`, `GEOADD {ns}${DOCKS_KEY} ${geoadd(NEW_DOCKS)}`],
      // 5 m instead of 5 km: nothing is that close, so nothing is stored.
      [
        `GEOADD {ns}${DOCKS_KEY} ${geoadd(NEW_DOCKS)}`,
        `GEOSEARCHSTORE {ns}${NEAR_KEY} {ns}${DOCKS_KEY} FROMLONLAT ${DOCK_CENTRE.longitude} ${DOCK_CENTRE.latitude} BYRADIUS ${DOCK_RADIUS_KM} m`,
      ],
      // Latitude first: the docks land in the Indian Ocean.
      [
        `GEOADD {ns}${DOCKS_KEY} ${NEW_DOCKS.map(([m, lon, lat]) => `${lat} ${lon} ${m}`).join(' ')}`,
        `GEOSEARCHSTORE {ns}${NEAR_KEY} {ns}${DOCKS_KEY} ${SEARCH_ARGS}`,
      ],
    ],
  },
];

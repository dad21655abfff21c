// Stores near me: a geo set of Berlin stores searched by radius, and an exercise that stores the nearby ones with
// their distance as the score, computed on the server.
import { all, builtOnServer, custom } from '../../engine/checks.js';
import { expanded, fresh, pairs } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import { BERLIN_STORES } from './shop.js';

export const storeSteps: StepSpec[] = [
  {
    id: 'stores-near',
    kind: 'run',
    commands: [
      `GEOADD {ns}stores:berlin ${BERLIN_STORES.map(([name, lon, lat]) => `${lon} ${lat} ${name}`).join(' ')}`,
      'GEOSEARCH {ns}stores:berlin FROMLONLAT 13.4050 52.5200 BYRADIUS 5 km ASC WITHDIST',
      'GEOSEARCH {ns}stores:berlin FROMMEMBER charlottenburg BYRADIUS 10 km ASC COUNT 2 WITHDIST',
      'GEODIST {ns}stores:berlin alexanderplatz spandau km',
      'GEOPOS {ns}stores:berlin kreuzberg',
    ],
  },
  {
    id: 'stores-near-me',
    kind: 'exercise',
    points: 3,
    setup: (ctx) =>
      fresh(ctx, ['stores:berlin', 'stores:near-user-7'], (k) =>
        ctx.unrecorded.geoadd(k('stores:berlin'), ...BERLIN_STORES.flatMap(([name, lon, lat]) => [lon, lat, name])),
      ),
    check: expanded(
      all(
        custom('{ns}stores:near-user-7 = the stores within 3 km, scored by distance in km', async (ctx) => {
          const dest = ctx.key('stores:near-user-7');
          const type = await ctx.unrecorded.type(dest);
          if (type !== 'zset') return { pass: false, actual: type === 'none' ? `${dest} does not exist` : `${dest} is a ${type}` };
          const want = pairs(
            await ctx.unrecorded.call(
              'GEOSEARCH',
              ctx.key('stores:berlin'),
              'FROMLONLAT',
              '13.4050',
              '52.5200',
              'BYRADIUS',
              '3',
              'km',
              'ASC',
              'WITHDIST',
            ),
          );
          const got = pairs(await ctx.unrecorded.call('ZRANGE', dest, '0', '-1', 'WITHSCORES'));
          const members = got.map(([m, d]) => `${m}:${d < 1e6 ? d.toFixed(3) : d}`);
          const expected = want.map(([m, d]) => `${m}:${d.toFixed(3)}`);
          const geohashes = got.some(([, sc]) => sc > 1e6);
          const metres =
            !geohashes &&
            got.length === want.length &&
            got.every(([m, d], i) => m === want[i]![0] && Math.abs(d / 1000 - want[i]![1]) < 0.001);
          const why = geohashes
            ? ' — those scores are geohashes: STOREDIST stores the distances instead'
            : metres
              ? ' — those are metres: STOREDIST stores distances in the unit of the radius, so search BYRADIUS 3 km'
              : '';
          return { pass: members.join(' ') === expected.join(' '), actual: `${members.join(' ') || '(empty)'}${why}` };
        }),
        builtOnServer('stores:near-user-7', 'GEOSEARCHSTORE … STOREDIST'),
      ),
    ),
    hints: [
      'GEOSEARCH has a sibling that stores its result; one option makes the stored score the distance.',
      'GEOSEARCHSTORE destination source FROMLONLAT lon lat BYRADIUS 3 km ASC STOREDIST',
    ],
    solution: ['GEOSEARCHSTORE {ns}stores:near-user-7 {ns}stores:berlin FROMLONLAT 13.4050 52.5200 BYRADIUS 3 km ASC STOREDIST'],
    wrong: [
      // Without STOREDIST the scores are the members' geohashes.
      ['GEOSEARCHSTORE {ns}stores:near-user-7 {ns}stores:berlin FROMLONLAT 13.4050 52.5200 BYRADIUS 3 km ASC'],
      // Stored in the radius's unit: metres.
      ['GEOSEARCHSTORE {ns}stores:near-user-7 {ns}stores:berlin FROMLONLAT 13.4050 52.5200 BYRADIUS 3000 m ASC STOREDIST'],
      // Search, then type the stores and distances back in: right numbers, through the client.
      [
        'GEOSEARCH {ns}stores:berlin FROMLONLAT 13.4050 52.5200 BYRADIUS 3 km ASC WITHDIST',
        'ZADD {ns}stores:near-user-7 0.5938 alexanderplatz 2.2784 potsdamer-platz 2.3387 kreuzberg 2.4500 prenzlauer-berg',
      ],
    ],
  },
];

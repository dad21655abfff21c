// Keyspace notifications: the learner enables expired events only (Ex), then a subscriber on a second, unrecorded
// connection counts the expired events of keys the lesson gives short TTLs, and how late each came.
import { all, custom } from '../../engine/checks.js';
import { count, expanded } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { sleep } from '../../patterns/index.js';
import { stopApp } from './lib/app.js';
import { restoreConfig } from './lib/incident.js';
import { configGet, info } from './lib/server-info.js';
import { FLASH_KEYS, FLASH_TTL_MS, K } from './shared.js';

/** Every class letter but K, E and x: what "expired events only" must leave out (A is g$lshzxetd). */
/** How long the demo waits for the expiry cycle to reach the keys nobody reads. */
const ACTIVE_WAIT_MS = 2500;

const OTHER_CLASSES = 'g$lshzetdmnA';
const CLASS_NAMES: Record<string, string> = {
  A: 'A (every class: g$lshzxetd)',
  g: 'g (generic commands: DEL, EXPIRE, RENAME…)',
  $: '$ (string writes)',
  l: 'l (list writes)',
  s: 's (set writes)',
  h: 'h (hash writes)',
  z: 'z (sorted-set writes)',
  t: 't (stream writes)',
  e: 'e (evictions, not expiries)',
  d: 'd (module types)',
  m: 'm (key misses)',
  n: 'n (new keys)',
};

async function expiredOnly(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const flags = await configGet(ctx.unrecorded, 'notify-keyspace-events');
  const shown = JSON.stringify(flags);
  if (!flags) return { pass: false, actual: 'notify-keyspace-events is "": notifications are off' };
  const others = [...flags].filter((c) => OTHER_CLASSES.includes(c));
  if (others.length) {
    const what = others.map((c) => CLASS_NAMES[c] ?? c).join(', ');
    return { pass: false, actual: `notify-keyspace-events is ${shown}: ${what}, more than expiries, each a message for every subscriber` };
  }
  if (!flags.includes('x'))
    return { pass: false, actual: `notify-keyspace-events is ${shown}: no x, so expiries are not among the events` };
  if (!flags.includes('E') && !flags.includes('K')) {
    return { pass: false, actual: `notify-keyspace-events is ${shown}: x says which events, but without E (or K) no channel carries them` };
  }
  return { pass: true, actual: `notify-keyspace-events is ${shown}: expired events only` };
}

export const notifySteps: StepSpec[] = [
  {
    id: 'notify',
    kind: 'exercise',
    points: 2,
    async setup(ctx) {
      // After the incident: no app, the lab's defaults (notifications off).
      await stopApp(ctx);
      await restoreConfig(ctx.unrecorded);
    },
    check: expanded(all(custom('notify-keyspace-events delivering expired events, and nothing else', expiredOnly))),
    hints: [
      'Two kinds of letters: which channels (K keyspace, E keyevent) and which events (x expired, g generic, $ strings… A all). You need one of each.',
      'CONFIG SET notify-keyspace-events <channel letter><event letter>   (e.g. Ex)',
    ],
    solution: ['CONFIG SET notify-keyspace-events Ex'],
    wrong: [
      // Everything, everywhere: a message for every write.
      ['CONFIG SET notify-keyspace-events KEA'],
      // The event class with no channel to carry it.
      ['CONFIG SET notify-keyspace-events x'],
      // Generic commands (DEL, EXPIRE, RENAME…), not expiries.
      ['CONFIG SET notify-keyspace-events Eg'],
      // Evictions, not expiries.
      ['CONFIG SET notify-keyspace-events Ee'],
    ],
  },
  {
    id: 'expired-events',
    kind: 'code',
    async run(ctx) {
      await ctx.redis.config('GET', 'notify-keyspace-events');
      const flags = await configGet(ctx.unrecorded, 'notify-keyspace-events');
      if (!flags.includes('x') || !flags.includes('E')) await ctx.redis.config('SET', 'notify-keyspace-events', 'Ex');
      const channel = '__keyevent@0__:expired';
      const [sub] = await ctx.sb.extraClients(1);
      const got = new Map<string, number>();
      const keys = Array.from({ length: FLASH_KEYS }, (_, i) => ctx.key(K.flash(i)));
      const mine = new Set(keys);
      let others = 0;
      try {
        sub!.on('error', () => {});
        sub!.on('message', (ch: string, key: string) => {
          if (ch !== channel) return;
          if (!mine.has(key)) others++;
          else if (!got.has(key)) got.set(key, Date.now());
        });
        await sub!.subscribe(channel);
        const deadline = new Map<string, number>();
        await ctx.unrecorded.unlink(...keys);
        const p = ctx.unrecorded.pipeline();
        const t0 = Date.now();
        keys.forEach((k, i) => {
          const ttl = FLASH_TTL_MS.min + Math.round(((FLASH_TTL_MS.max - FLASH_TTL_MS.min) * i) / (FLASH_KEYS - 1));
          p.set(k, `code-${i}`, 'PX', ttl);
          deadline.set(k, t0 + ttl);
        });
        await p.exec();
        // Two of them as the learner would type them.
        await ctx.redis.pttl(keys[0]!);
        await ctx.redis.pttl(keys.at(-1)!);
        // Half the keys are read once their TTL has passed (a read deletes a stale key at once: lazy expiry); the
        // other half wait for the server's active expiry cycle.
        const lazy = keys.filter((_k, i) => i % 2 === 0);
        const active = keys.filter((_k, i) => i % 2 === 1);
        await sleep(Math.max(0, t0 + FLASH_TTL_MS.max + 50 - Date.now()));
        const readAt = Date.now();
        await ctx.redis.get(lazy[0]!);
        await Promise.all(lazy.slice(1).map((k) => ctx.unrecorded.get(k)));
        for (let i = 0; i < ACTIVE_WAIT_MS / 50 && got.size < keys.length; i++) await sleep(50);
        const lagsOf = (ks: string[], from: (k: string) => number) =>
          ks
            .filter((k) => got.has(k))
            .map((k) => got.get(k)! - from(k))
            .sort((a, b) => a - b);
        const lazyLags = lagsOf(lazy, () => readAt);
        const activeLags = lagsOf(active, (k) => deadline.get(k)!);
        const median = (l: number[]) => (l.length ? `${Math.max(0, l[Math.floor(l.length / 2)]!)} ms` : '-');
        const largest = (l: number[]) => (l.length ? `${Math.max(0, l.at(-1)!)} ms` : '-');
        ctx.table(
          ['deleted by', 'keys', 'events', 'median lag', 'largest lag'],
          [
            ['a read (lazy)', lazy.length, lazyLags.length, median(lazyLags), largest(lazyLags)],
            ['the expiry cycle', active.length, activeLags.length, median(activeLags), largest(activeLags)],
          ],
        );
        const volatile = Number(/expires=(\d+)/.exec((await info(ctx.unrecorded, 'keyspace')).db0 ?? '')?.[1] ?? 0);
        ctx.say(
          `${count(got.size, 'expired event')} for ${count(keys.length, 'key')}, on ${channel} (E: the keyevent channel; ` +
            `x: expiries). An event comes when Redis deletes the key, not at the TTL's millisecond. A read that finds the key ` +
            `stale deletes it at once (lag from the read: ${median(lazyLags)}). Otherwise the active expiry cycle must find it: ` +
            `ten times a second (hz 10) it samples 20 of the ${volatile.toLocaleString('en-US')} keys with a TTL, and goes on only ` +
            `while more than 10% of a sample had expired; so ${activeLags.length} of ${active.length} untouched keys were ` +
            `deleted, and announced, within ${ACTIVE_WAIT_MS / 1000} s. A subscriber that is not connected at that moment never sees the event.` +
            (others ? ` (${count(others, 'other key')} expired meanwhile: the app's leftover one-time codes.)` : ''),
        );
      } finally {
        sub!.disconnect();
      }
      await restoreConfig(ctx.unrecorded);
    },
  },
];

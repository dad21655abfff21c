// The shop's misbehaving app, run by the lesson while the learner diagnoses the server: a web tier hammering one
// product (the hot key) and missing the page cache, a report job whose SORT lands in the slow log, and a feed whose
// reader stopped reading (its output buffer grows). Four unrecorded connections, named as CLIENT LIST shows them.
// One app per sandbox; it stops when the lesson says so, and always when the lesson ends (its context is disposed).
import type { Redis } from 'ioredis';
import type { LessonContext } from '../../../engine/types.js';
import type { Sandbox } from '../../../redis/sandbox.js';
import {
  BATCH,
  FEATURED,
  FEED_BURST,
  FEED_CAP_BYTES,
  FEED_CHANNEL,
  FEED_EVERY_MS,
  FEED_FILL_MAX_BYTES,
  FEED_MESSAGE_BYTES,
  HOT_PRODUCT,
  K,
  NAMES,
  PAGES,
  REPORT_EVERY_MS,
  SLOW_COMMAND,
  WEB_PAUSE_MS,
} from '../shared.js';
import { clientList } from './server-info.js';

export interface AppStats {
  /** GETs the web tier sent, and how many of them read the hot key. */
  gets: number;
  hotGets: number;
  /** SORTs the report job ran, and their round trips in ms. */
  sorts: number;
  sortMs: number[];
  /** Messages published to the feed, and the bytes they carried. */
  published: number;
  publishedBytes: number;
  /** One-time codes written with a short TTL (they expire on their own). */
  otps: number;
  /** The reader's output buffer at its largest, as CLIENT LIST reported it. */
  readerOmemMax: number;
  startedAt: number;
}

/** A pause the app's loops take, cut short when the app stops (no timer outlives it). */
class Pauses {
  private pending = new Set<{ timer: NodeJS.Timeout; done: () => void }>();
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.pending.delete(entry);
          resolve();
        }, ms),
        done: resolve,
      };
      this.pending.add(entry);
    });
  }
  cancelAll(): void {
    for (const e of this.pending) {
      clearTimeout(e.timer);
      e.done();
    }
    this.pending.clear();
  }
}

export class ShopApp {
  stopped = false;
  /** A connection closed without the app asking (CLIENT KILL, the output-buffer limit): the app must be restarted. */
  broken = false;
  readerId = -1;
  readonly stats: AppStats = {
    gets: 0,
    hotGets: 0,
    sorts: 0,
    sortMs: [],
    published: 0,
    publishedBytes: 0,
    otps: 0,
    readerOmemMax: 0,
    startedAt: Date.now(),
  };
  private readonly pauses = new Pauses();
  private readonly loops: Promise<void>[] = [];
  private offLife: () => void = () => {};

  private constructor(
    private readonly key: (name: string) => string,
    private readonly conns: { web: Redis; report: Redis; reader: Redis; publisher: Redis },
  ) {}

  static async start(ctx: LessonContext): Promise<ShopApp> {
    const [web, report, reader, publisher] = await ctx.sb.extraClients(4);
    const app = new ShopApp((n) => ctx.key(n), { web: web!, report: report!, reader: reader!, publisher: publisher! });
    const all = [web!, report!, reader!, publisher!];
    for (const c of all) {
      c.on('error', () => {});
      c.on('close', () => {
        if (app.stopped) return;
        app.broken = true;
        // No reconnection behind the lesson's back: a reconnected reader would read again, nameless.
        c.disconnect();
      });
    }
    // The lesson's lifetime: ctx.clients() connections are closed when the lesson ends, and so is the app.
    const [life] = await ctx.clients(1);
    const onEnd = () => void app.stop();
    life!.once('end', onEnd);
    app.offLife = () => life!.off('end', onEnd);
    await Promise.all([
      web!.call('CLIENT', 'SETNAME', NAMES.web),
      report!.call('CLIENT', 'SETNAME', NAMES.report),
      reader!.call('CLIENT', 'SETNAME', NAMES.reader),
      publisher!.call('CLIENT', 'SETNAME', NAMES.publisher),
    ]);
    app.readerId = Number(await reader!.call('CLIENT', 'ID'));
    await reader!.subscribe(ctx.key(FEED_CHANNEL));
    // The reader stops reading: what the server sends it piles up in its output buffer (omem in CLIENT LIST).
    reader!.stream.pause();
    app.loops.push(app.webLoop(), app.reportLoop(), app.feedLoop());
    return app;
  }

  get running(): boolean {
    return !this.stopped && !this.broken;
  }

  /** Stops every loop and closes every connection; resolves once the loops have ended. */
  async stop(): Promise<AppStats> {
    if (!this.stopped) {
      this.stopped = true;
      this.offLife();
      this.pauses.cancelAll();
      for (const c of Object.values(this.conns)) c.disconnect();
    }
    await Promise.allSettled(this.loops);
    return this.stats;
  }

  private async webLoop(): Promise<void> {
    const { web } = this.conns;
    const hot = this.key(K.product(HOT_PRODUCT));
    let batch = 0;
    while (!this.stopped) {
      const p = web.pipeline();
      for (let i = 0; i < BATCH.hot; i++) p.get(hot);
      for (let i = 0; i < BATCH.featured; i++) p.get(this.key(K.product(FEATURED[(batch * BATCH.featured + i) % FEATURED.length]!)));
      for (let i = 0; i < BATCH.pageHits; i++) p.get(this.key(K.page((batch * 7 + i * 131) % PAGES)));
      // Pages nobody cached: misses.
      for (let i = 0; i < BATCH.pageMisses; i++) p.get(this.key(K.page(PAGES + ((batch * 11 + i) % 5000))));
      if (batch % 4 === 0) {
        p.set(this.key(K.otp(batch % 400)), String(100000 + ((batch * 7919) % 900000)), 'PX', 1500);
        this.stats.otps++;
      }
      batch++;
      const ok = await p.exec().then(
        () => true,
        () => false,
      );
      if (ok) {
        this.stats.gets += BATCH.hot + BATCH.featured + BATCH.pageHits + BATCH.pageMisses;
        this.stats.hotGets += BATCH.hot;
      }
      await this.pauses.wait(ok ? WEB_PAUSE_MS : 100);
    }
  }

  private async reportLoop(): Promise<void> {
    const { report } = this.conns;
    const [cmd, ...opts] = SLOW_COMMAND;
    while (!this.stopped) {
      await this.pauses.wait(REPORT_EVERY_MS);
      if (this.stopped) return;
      const t0 = performance.now();
      const ok = await report.call(cmd, this.key(K.events), ...opts).then(
        () => true,
        () => false,
      );
      if (ok) {
        this.stats.sorts++;
        this.stats.sortMs.push(performance.now() - t0);
      }
    }
  }

  private async feedLoop(): Promise<void> {
    const { publisher } = this.conns;
    const channel = this.key(FEED_CHANNEL);
    const message = 'm'.repeat(FEED_MESSAGE_BYTES);
    const send = async (n: number) => {
      for (let i = 0; i < n && !this.stopped; i++) {
        await publisher.publish(channel, message);
        this.stats.published++;
        this.stats.publishedBytes += FEED_MESSAGE_BYTES;
      }
    };
    try {
      // The kernel's socket buffers between the server and the paused reader take a few MB first: fill them until the
      // server starts queueing in its own memory.
      for (let sent = 0; !this.stopped && sent < FEED_FILL_MAX_BYTES; sent += FEED_BURST * FEED_MESSAGE_BYTES) {
        await send(FEED_BURST);
        const me = (await clientList(publisher, this.readerId))[0];
        if (!me || me.omem > 0) break;
      }
      while (!this.stopped) {
        await this.pauses.wait(FEED_EVERY_MS);
        if (this.stopped) return;
        const me = (await clientList(publisher, this.readerId))[0];
        if (!me) continue;
        this.stats.readerOmemMax = Math.max(this.stats.readerOmemMax, me.omem);
        // Kept under the pubsub soft limit (8 MB for 60 s), so the server never cuts the reader off on its own.
        if (me.omem < FEED_CAP_BYTES) await send(1);
      }
    } catch {
      // The publisher's connection closed: the app is stopping or broken.
    }
  }
}

const apps = new WeakMap<Sandbox, ShopApp>();

/** The app running on this sandbox's lab, if any. */
export function runningApp(ctx: LessonContext): ShopApp | null {
  const app = apps.get(ctx.sb);
  return app && app.running ? app : null;
}

/** Starts the app unless it runs already (a broken one is replaced). */
export async function ensureApp(ctx: LessonContext): Promise<ShopApp> {
  const app = apps.get(ctx.sb);
  if (app?.running) return app;
  if (app) await app.stop();
  const fresh = await ShopApp.start(ctx);
  apps.set(ctx.sb, fresh);
  return fresh;
}

/** Stops the app; its figures, or null when none ran. */
export async function stopApp(ctx: LessonContext): Promise<AppStats | null> {
  const app = apps.get(ctx.sb);
  if (!app) return null;
  apps.delete(ctx.sb);
  return app.stop();
}

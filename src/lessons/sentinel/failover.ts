// The live steps: asking the Sentinels, a kill of the primary followed through the Sentinels' own events while a
// Sentinel-aware client writes across it (failed writes, the gap, the writes lost), the old primary's return as a
// replica, and quorum versus majority with two Sentinels paused.
import { count } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext, LessonLab } from '../../engine/types.js';
import { adminCall, adminInfo, pairs } from '../../lab/admin.js';
import { EventWatch, type SentinelEvent } from './lib/events.js';
import { MASTER, agreedPrimary, leaveTilt, linkedTo, nameOfPort, settle, START, until } from './lib/topology.js';
import { SentinelWriter } from './lib/writer.js';
import { AFTER_WRITES, CUT_MS, ORDERS, SHORT_FAILOVER_TIMEOUT_MS, WARMUP_WRITES } from './shared.js';

function labOf(ctx: LessonContext): LessonLab {
  if (!ctx.lab) throw new Error('the sentinel lesson runs on its sentinel lab');
  return ctx.lab;
}

const ms = (n: number) => `${Math.round(n).toLocaleString('en-US')} ms`;

/**
 * Events of several Sentinels, merged in time order, one line each (a table would cut the details short):
 * `  1,129 ms  sentinel-2  +odown                master mymaster primary #quorum 2/2`.
 */
function timeline(watches: EventWatch[], upTo: number, since: string): string {
  const all: (SentinelEvent & { who: string })[] = watches.flatMap((w) => w.events.map((e) => ({ ...e, who: w.sentinel })));
  all.sort((a, b) => a.ms - b.ms);
  const lines = all
    .filter((e) => e.ms <= upTo)
    .map((e) => `  ${ms(e.ms).padStart(9)}  ${watches.length > 1 ? `${e.who}  ` : ''}${e.event.padEnd(22)} ${e.detail}`);
  return [`  ${since}`, ...lines].join('\n');
}

async function tour(ctx: LessonContext): Promise<void> {
  const l = labOf(ctx);
  await settle(l.lab, START);
  const s1 = await l.client('sentinel-1');
  await s1.call('SENTINEL', 'get-master-addr-by-name', MASTER);
  const m = pairs((await adminCall(l.lab.node('sentinel-1').port, ['SENTINEL', 'MASTER', MASTER])) as never);
  ctx.table(
    ['SENTINEL MASTER field', 'value'],
    ['name', 'ip', 'port', 'flags', 'num-slaves', 'num-other-sentinels', 'quorum', 'down-after-milliseconds', 'failover-timeout'].map(
      (f) => [f, f === 'port' ? `${m[f]} (${nameOfPort(l.lab, m[f] ?? 0)})` : (m[f] ?? '')],
    ),
  );
  const replicas = (await adminCall(l.lab.node('sentinel-1').port, ['SENTINEL', 'REPLICAS', MASTER])) as never[];
  ctx.table(
    ['SENTINEL REPLICAS', 'flags', 'link', 'priority', 'offset'],
    replicas.map((r) => {
      const p = pairs(r);
      return [
        nameOfPort(l.lab, p.port ?? 0),
        p.flags ?? '',
        p['master-link-status'] ?? '',
        p['slave-priority'] ?? '',
        p['slave-repl-offset'] ?? '',
      ];
    }),
  );
  const others = (await adminCall(l.lab.node('sentinel-1').port, ['SENTINEL', 'SENTINELS', MASTER])) as never[];
  ctx.table(
    ['SENTINEL SENTINELS', 'flags', 'last hello'],
    others.map((r) => {
      const p = pairs(r);
      return [nameOfPort(l.lab, p.port ?? 0), p.flags ?? '', `${p['last-hello-message'] ?? '?'} ms ago`];
    }),
  );
  await s1.call('SENTINEL', 'CKQUORUM', MASTER);
}

/** What the failover step measured, for the next steps and the tests. */
export interface FailoverFigures {
  detectMs: number | null;
  odownMs: number | null;
  electedMs: number | null;
  promotedMs: number | null;
  switchMs: number | null;
  newPrimary: string | null;
  acked: number;
  failed: number;
  gapMs: number | null;
  ackedBeforeCut: number;
  lostBeforeCut: number;
  ackedDuringCut: number;
  lostDuringCut: number;
  tilted: boolean;
}

export const figures: { failover?: FailoverFigures; rejoinMs?: number | null; alone?: AloneFigures } = {};

async function killPrimary(ctx: LessonContext): Promise<void> {
  const l = labOf(ctx);
  const lab = l.lab;
  await settle(lab, START);
  const key = ctx.key(ORDERS);
  await ctx.claim([key]);
  await ctx.unrecorded.del(key);
  const watches = await Promise.all(['sentinel-1', 'sentinel-2'].map((s) => EventWatch.open(lab, s)));
  const writer = await SentinelWriter.open(lab, key);
  try {
    writer.start();
    await writer.acked(WARMUP_WRITES, 5000);
    ctx.say(
      `A client that knows only the three Sentinels asked them for ${MASTER} and writes to ${writer.where()}: ` +
        `${count(writer.writes.filter((w) => w.ok).length, 'write')} acknowledged so far, one RPUSH at a time.`,
    );
    await lab.pause('sentinel-3');
    ctx.say('sentinel-3 is paused (SIGSTOP): two Sentinels of three are left to notice, agree and elect.');
    const beforeCut = writer.writes.filter((w) => w.ok).length;
    await lab.cut('replica-1');
    await lab.cut('replica-2');
    const cutAt = performance.now();
    await new Promise((r) => setTimeout(r, CUT_MS));
    for (const w of watches) w.mark();
    const killAt = performance.now();
    await lab.kill('primary');
    await lab.reconnect('replica-1');
    await lab.reconnect('replica-2');
    ctx.say(
      `Both replicas were cut off the primary for ${ms(killAt - cutAt)} (paused, their links dropped), then the primary ` +
        `was killed (SIGKILL) and the replicas resumed. The client's last acknowledged write before the kill was #${
          writer.writes.filter((w) => w.ok).at(-1)?.n ?? 0
        }.`,
    );
    // Each Sentinel announces +switch-master once it takes the new configuration: the leader after reconfiguring the
    // replicas, the others as soon as its hello reaches them.
    const switches = await Promise.all(watches.map((w) => w.wait('+switch-master', 15_000)));
    const switched = switches.filter(Boolean).sort((a, b) => a!.ms - b!.ms)[0] ?? null;
    const landed = switched ? await writer.acked(AFTER_WRITES, 5000) : false;
    await writer.stop();
    const upTo = Math.max(...switches.map((e) => e?.ms ?? 15_000)) + 200;
    ctx.say(timeline(watches, upTo, 'since the kill, as sentinel-1 and sentinel-2 published it:'));
    const first = (event: string, match: (e: SentinelEvent) => boolean = () => true) => {
      const hits = watches.map((w) => w.events.find((e) => e.event === event && match(e))).filter(Boolean) as SentinelEvent[];
      return hits.length ? Math.min(...hits.map((e) => e.ms)) : null;
    };
    // +switch-master <name> <old ip> <old port> <new ip> <new port>
    const newPort = switched ? Number(switched.raw.split(' ').at(-1)) : null;
    const newPrimary = newPort ? nameOfPort(lab, newPort) : null;

    // The client's side: what it was told, and how long it had nowhere to write.
    const okOld = writer.writes.filter((w) => w.ok && w.node === 'primary');
    const lastOld = okOld.at(-1);
    const firstNew = writer.writes.find((w) => w.ok && w.node !== 'primary' && (!lastOld || w.n > lastOld.n));
    const failed = writer.writes.filter((w) => !w.ok && (!lastOld || w.n > lastOld.n)).length;
    const gap = firstNew && lastOld ? firstNew.at - lastOld.at : null;

    // What the new primary holds of what the old one acknowledged.
    let held = new Set<string>();
    if (newPort) {
      const conn = await l.admin(nameOfPort(lab, newPort));
      held = new Set(await conn.lrange(key, 0, -1));
    }
    const ackedOld = okOld;
    const beforeCutWrites = ackedOld.slice(0, beforeCut);
    const duringCut = ackedOld.slice(beforeCut);
    const lostBefore = beforeCutWrites.filter((w) => !held.has(String(w.n))).length;
    const lostDuring = duringCut.filter((w) => !held.has(String(w.n))).length;
    const f: FailoverFigures = {
      detectMs: first('+sdown', (e) => e.detail.startsWith('master')),
      odownMs: first('+odown'),
      electedMs: first('+elected-leader'),
      promotedMs: first('+promoted-slave'),
      switchMs: switched?.ms ?? null,
      newPrimary,
      acked: writer.writes.filter((w) => w.ok).length,
      failed,
      gapMs: gap,
      ackedBeforeCut: beforeCutWrites.length,
      lostBeforeCut: lostBefore,
      ackedDuringCut: duringCut.length,
      lostDuringCut: lostDuring,
      tilted: false,
    };
    figures.failover = f;
    ctx.say(
      switched
        ? `Failover announced ${ms(switched.ms)} after the kill: ${newPrimary ?? '?'} is the primary. SDOWN at ${ms(f.detectMs ?? 0)} (down-after-milliseconds), ` +
            `ODOWN at ${ms(f.odownMs ?? 0)} (quorum), leader elected at ${ms(f.electedMs ?? 0)} (majority), replica promoted at ${ms(f.promotedMs ?? 0)}.`
        : 'No +switch-master within 15 s: the failover did not complete (see the events above).',
    );
    ctx.say(
      `The client: ${count(failed, 'failed write attempt')} and a gap of ${gap === null ? '?' : ms(gap)} with nowhere to write, ` +
        `then it asked the Sentinels again and went on writing to ${firstNew?.node ?? '?'}${landed ? ` (${count(AFTER_WRITES, 'write')} acknowledged there)` : ''}.`,
    );
    ctx.table(
      ['acknowledged by the old primary', 'writes', 'on new primary', 'lost'],
      [
        ['before the cut', beforeCutWrites.length, beforeCutWrites.length - lostBefore, lostBefore],
        [`during the ${CUT_MS} ms cut`, duringCut.length, duringCut.length - lostDuring, lostDuring],
      ],
    );
    ctx.say(
      `${count(lostBefore + lostDuring, 'acknowledged write')} lost of ${ackedOld.length}: the client was told OK for every one of them. ` +
        `Replication is asynchronous: what the primary had not yet sent when it died exists nowhere else.`,
    );
    await lab.resume('sentinel-3');
    const tilt = await adminInfo(lab.node('sentinel-3').port, 'sentinel').catch(() => ({}) as Record<string, string>);
    f.tilted = tilt.sentinel_tilt === '1';
    const s3 = await l.client('sentinel-3');
    await until(4000, async () => ((await agreedPrimary(lab)) === newPort ? null : 'not yet'));
    await s3.call('SENTINEL', 'get-master-addr-by-name', MASTER);
    ctx.say(
      `sentinel-3 resumed ${f.tilted ? 'in TILT mode (sentinel_tilt:1): its clock jumped by more than 2 s, so for 30 s it watches but acts on nothing' : 'without TILT'}; ` +
        `the others' hello messages already told it the new primary.`,
    );
  } finally {
    writer.close();
    for (const w of watches) w.close();
  }
}

async function oldPrimaryReturns(ctx: LessonContext): Promise<void> {
  const l = labOf(ctx);
  const lab = l.lab;
  const newPort = await agreedPrimary(lab);
  const watches = await Promise.all(['sentinel-1', 'sentinel-2'].map((s) => EventWatch.open(lab, s)));
  try {
    for (const w of watches) w.mark();
    await lab.restart('primary');
    const p = await l.client('primary');
    // The recorded connection reconnects by itself; its handshake is not the lesson's to show.
    await ctx.sb.recorder.unrecorded(() => until(5000, async () => ((await p.ping().catch(() => null)) === 'PONG' ? null : 'down')));
    await p.call('ROLE');
    await p.call('LLEN', ctx.key(ORDERS));
    ctx.say(
      'The old primary is back from its own config file: a primary again, and empty (the lab runs without persistence, ' +
        'so its data died with the process). A client that still had its address would write there now.',
    );
    const converted = await Promise.race(watches.map((w) => w.wait('+convert-to-slave', 25_000)));
    const linked = newPort ? await until(5000, () => linkedTo(lab, 'primary', newPort)) : 'no agreed primary';
    figures.rejoinMs = converted?.ms ?? null;
    ctx.say(timeline(watches, (converted?.ms ?? 25_000) + 200, 'since the restart:'));
    // Sentinel's reconfiguration ends with CLIENT KILL TYPE normal: the recorded connection reconnects first.
    await ctx.sb.recorder.unrecorded(() => until(5000, async () => ((await p.ping().catch(() => null)) === 'PONG' ? null : 'down')));
    await p.call('ROLE');
    await p.call('LLEN', ctx.key(ORDERS));
    ctx.say(
      converted
        ? `+convert-to-slave ${ms(converted.ms)} after the restart: Sentinel waits until the returning node has been up and ` +
            `reporting its new role for a while (4 hello periods, 8 s) and its next INFO (every 10 s) before it sends REPLICAOF. ` +
            `${linked === null ? `primary now replicates ${nameOfPort(lab, newPort!)} and holds its data.` : `(${linked})`}`
        : 'No +convert-to-slave within 25 s.',
    );
  } finally {
    for (const w of watches) w.close();
  }
}

export interface AloneFigures {
  sdownMs: number | null;
  odownWithQuorum2: boolean;
  odownMs: number | null;
  tryMs: number | null;
  elected: boolean;
  abortMs: number | null;
}

async function twoPaused(ctx: LessonContext): Promise<void> {
  const l = labOf(ctx);
  const lab = l.lab;
  const port = await agreedPrimary(lab);
  const primary = port ? nameOfPort(lab, port) : 'primary';
  const watch = await EventWatch.open(lab, 'sentinel-1');
  const s1 = await l.client('sentinel-1');
  try {
    await lab.pause('sentinel-2');
    await lab.pause('sentinel-3');
    watch.mark();
    await lab.pause(primary);
    ctx.say(`sentinel-2 and sentinel-3 are paused, and so is the primary (${primary}). sentinel-1 is alone:`);
    const sdown = await watch.wait('+sdown', 4000, (e) => e.detail.startsWith('master'));
    const odown2 = await watch.wait('+odown', 1500);
    ctx.say(
      `+sdown at ${ms(sdown?.ms ?? 0)}, and ${odown2 ? `+odown at ${ms(odown2.ms)}?` : `no +odown ${ms(watch.now())} in`}: ` +
        `with quorum 2, one Sentinel's opinion is only subjective. It asks the others (SENTINEL is-master-down-by-addr) and nobody answers.`,
    );
    await s1.call('SENTINEL', 'SET', MASTER, 'failover-timeout', String(SHORT_FAILOVER_TIMEOUT_MS));
    await s1.call('SENTINEL', 'SET', MASTER, 'quorum', '1');
    const odown = await watch.wait('+odown', 3000);
    const tried = await watch.wait('+try-failover', 3000);
    const abort = await watch.wait('-failover-abort-not-elected', SHORT_FAILOVER_TIMEOUT_MS + 3000);
    const elected = Boolean(watch.first('+elected-leader'));
    ctx.say(timeline([watch], watch.now(), 'since the primary was paused, at sentinel-1:'));
    figures.alone = {
      sdownMs: sdown?.ms ?? null,
      odownWithQuorum2: Boolean(odown2),
      odownMs: odown?.ms ?? null,
      tryMs: tried?.ms ?? null,
      elected,
      abortMs: abort?.ms ?? null,
    };
    ctx.say(
      `With quorum 1 sentinel-1 alone reached ODOWN (${ms(odown?.ms ?? 0)}) and tried a failover (${ms(tried?.ms ?? 0)}), ` +
        `voting for itself: 1 vote, where a leader needs a majority of the 3 Sentinels it knows (2). ` +
        `${elected ? 'It was elected?!' : 'It was never elected'}; ${abort ? `it gave up at ${ms(abort.ms)} (-failover-abort-not-elected)` : 'no abort seen yet'}. ` +
        `The primary stayed unavailable and nothing was promoted: the quorum decides "down", only a majority may act.`,
    );
    await lab.resume(primary);
    await s1.call('SENTINEL', 'SET', MASTER, 'quorum', '2', 'failover-timeout', '5000');
    await lab.resume('sentinel-2');
    await lab.resume('sentinel-3');
    const tilted = await leaveTilt(lab);
    ctx.say(
      `Everything resumed, quorum 2 again. ${tilted.length ? `${tilted.join(' and ')} woke in TILT; the lab cut it short (SENTINEL DEBUG tilt-period) so the exercises need not wait 30 s.` : ''}`,
    );
  } finally {
    watch.close();
  }
}

export const failoverSteps: StepSpec[] = [
  { id: 'ask-sentinel', kind: 'code', run: tour },
  { id: 'quorum-majority', kind: 'explain' },
  { id: 'kill-primary', kind: 'code', run: killPrimary },
  { id: 'old-primary-returns', kind: 'code', run: oldPrimaryReturns },
  { id: 'two-paused', kind: 'code', run: twoPaused },
];

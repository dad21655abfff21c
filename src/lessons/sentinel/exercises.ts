// The exercises, graded on the lab's state: attach a new replica to the primary the Sentinels name, a manual failover,
// a replica that is never promoted (and stays so after a restart), a quorum that works, and the old primary rejoining.
// Each setup brings the whole lab to the exercise's starting layout (settle): nodes up, Sentinels agreeing.
import { readFileSync } from 'node:fs';
import { custom } from '../../engine/checks.js';
import { expanded } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { adminCall } from '../../lab/admin.js';
import type { Lab } from '../../lab/lab.js';
import {
  MASTER,
  SENTINELS,
  START,
  agreedPrimary,
  nameOfPort,
  replication,
  sentinelView,
  settle,
  sleep,
  type Layout,
} from './lib/topology.js';

const labOf = (ctx: LessonContext): Lab => {
  if (!ctx.lab) throw new Error('the sentinel lesson runs on its sentinel lab');
  return ctx.lab.lab;
};

/** After a failover: replica-1 was promoted, the old primary follows it, and replica-2 is a new, empty node. */
export const NEW_REPLICA: Layout = { primary: 'replica-1', replicas: ['primary'], alone: ['replica-2'] };
/** After a failover to replica-2: the old primary came back still a primary, unknown to the Sentinels. */
export const OLD_PRIMARY_BACK: Layout = { primary: 'replica-2', replicas: ['replica-1'], alone: ['primary'] };
export const STALE = 'sentinel:late-order';

/**
 * `who` replicates the primary the Sentinels agree on, link up. The link takes a moment after REPLICAOF (a full sync):
 * waited for up to 4 s while it is on its way.
 */
async function replicatesAgreedPrimary(ctx: LessonContext, who: string): Promise<{ pass: boolean; actual: string }> {
  const lab = labOf(ctx);
  const want = await agreedPrimary(lab);
  if (want === null) return { pass: false, actual: 'the three Sentinels do not agree on a primary' };
  const primary = nameOfPort(lab, want);
  const end = Date.now() + 4000;
  for (;;) {
    const info = await replication(lab, who);
    if (!info) return { pass: false, actual: `${who} does not answer` };
    if (info.role !== 'slave')
      return { pass: false, actual: `${who} is a primary, replicating nobody (the Sentinels' primary is ${primary})` };
    const port = Number(info.master_port);
    if (port !== want) {
      const target = nameOfPort(lab, port);
      const targetInfo =
        lab.nodes.some((n) => n.port === port) && lab.node(target).kind === 'redis' ? await replication(lab, target) : null;
      const what =
        lab.nodes.find((n) => n.port === port)?.kind === 'sentinel'
          ? `${target}, a Sentinel: it stores no data and cannot be replicated`
          : targetInfo?.role === 'slave'
            ? `${target}, which is itself a replica (of ${nameOfPort(lab, targetInfo.master_port ?? 0)}): names lie after a failover, ask a Sentinel`
            : target;
      return { pass: false, actual: `${who} replicates ${what}; the Sentinels' primary is ${primary}` };
    }
    if (info.master_link_status === 'up') return { pass: true, actual: `${who} replicates ${primary} (the Sentinels' primary), link up` };
    if (Date.now() > end) return { pass: false, actual: `${who} replicates ${primary}, but its link is still down` };
    await sleep(50);
  }
}

/** The three Sentinels moved mymaster to a replica, and that node says it is a primary. Waits while a failover runs. */
async function failedOver(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const lab = labOf(ctx);
  const old = lab.node('primary').port;
  const start = Date.now();
  for (;;) {
    const views = await Promise.all(SENTINELS.map((s) => sentinelView(lab, s)));
    const ports = views.map((v) => v?.port ?? null);
    const running = views.some((v) => v?.flags.includes('failover_in_progress'));
    const agreed = ports.every((p) => p !== null && p === ports[0]) ? ports[0]! : null;
    if (agreed !== null && agreed !== old) {
      const info = await replication(lab, nameOfPort(lab, agreed));
      if (info?.role === 'master') return { pass: true, actual: `all three Sentinels name ${nameOfPort(lab, agreed)}, now a primary` };
    }
    const elapsed = Date.now() - start;
    const moving = running || (agreed === null && ports.some((p) => p !== old));
    if ((!moving && elapsed > 600) || elapsed > 12_000) {
      const said = SENTINELS.map((s, i) => `${s}: ${ports[i] === null ? '?' : nameOfPort(lab, ports[i]!)}`).join(', ');
      return {
        pass: false,
        actual: agreed === old ? `no failover: the Sentinels still name primary (${said})` : `the Sentinels do not agree (${said})`,
      };
    }
    await sleep(100);
  }
}

async function priority(lab: Lab, name: string): Promise<string> {
  const got = (await adminCall(lab.node(name).port, ['CONFIG', 'GET', 'replica-priority'])) as string[];
  return got[1] ?? '?';
}

/** replica-1 has replica-priority 0 now and in its config file; replica-2 can still be promoted. */
async function neverPromoted(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const lab = labOf(ctx);
  const now = await priority(lab, 'replica-1');
  const file = readFileSync(lab.node('replica-1').conf, 'utf8');
  const saved = /^\s*(?:replica|slave)-priority\s+(\d+)/im.exec(file)?.[1] ?? '100 (not in the file: the default)';
  const other = await priority(lab, 'replica-2');
  if (now !== '0') {
    const why =
      Number(now) > 0 && Number(now) < 100
        ? ': a lower priority makes it the FIRST choice'
        : Number(now) > 100
          ? ': a higher number makes it a later choice, still promotable; only 0 means never'
          : '';
    return { pass: false, actual: `replica-1 replica-priority ${now}${why}` };
  }
  if (saved !== '0') {
    return {
      pass: false,
      actual: `replica-priority 0 at runtime, but ${saved} in its config file: a restart would make it promotable again`,
    };
  }
  if (other === '0') return { pass: false, actual: 'replica-2 has replica-priority 0 too: no replica could ever be promoted' };
  return { pass: true, actual: `replica-1 replica-priority 0, at runtime and in its config file; replica-2 ${other}` };
}

/** sentinel-3's quorum is 2 and CKQUORUM passes. */
async function quorumTwo(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const lab = labOf(ctx);
  const v = await sentinelView(lab, 'sentinel-3');
  if (!v) return { pass: false, actual: 'sentinel-3 does not answer' };
  let ck: string;
  try {
    ck = String(await adminCall(lab.node('sentinel-3').port, ['SENTINEL', 'CKQUORUM', MASTER]));
  } catch (err) {
    ck = (err as Error).message;
  }
  if (v.quorum === 2) return { pass: /^OK/.test(ck), actual: `quorum 2 · CKQUORUM: ${ck}` };
  const why =
    v.quorum === 1
      ? 'a single Sentinel that loses sight of the primary (its own network trouble) would call it objectively down'
      : v.quorum === 3
        ? 'with one Sentinel down or paused, the other two could never reach ODOWN: no failover'
        : 'more Sentinels than there are: ODOWN can never be reached';
  return { pass: false, actual: `quorum ${v.quorum}: ${why} · CKQUORUM: ${ck}` };
}

/** The old primary replicates the Sentinels' primary, link up, and its late write is gone (the sync replaced its data). */
async function rejoined(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const r = await replicatesAgreedPrimary(ctx, 'primary');
  if (!r.pass) return r;
  const lab = labOf(ctx);
  const exists = Number(await adminCall(lab.node('primary').port, ['EXISTS', ctx.key(STALE)]));
  if (exists) return { pass: false, actual: `${r.actual}, but ${ctx.key(STALE)} is still there: the sync has not replaced its data yet` };
  return { pass: true, actual: `${r.actual}; its late write ${ctx.key(STALE)} is gone, replaced by the primary's data` };
}

export const exerciseSteps: StepSpec[] = [
  {
    id: 'attach-replica',
    kind: 'exercise',
    points: 2,
    node: 'replica-2',
    setup: async (ctx) => {
      const lab = labOf(ctx);
      await settle(lab, NEW_REPLICA);
      await adminCall(lab.node('replica-2').port, ['FLUSHALL']);
    },
    check: expanded(
      custom('replica-2 replicating the primary the Sentinels name, link up', (ctx) => replicatesAgreedPrimary(ctx, 'replica-2')),
    ),
    hints: [
      'The node called primary may not be the primary any more. Go and ask a Sentinel (:node sentinel-1), then come back (:node replica-2).',
      'SENTINEL get-master-addr-by-name mymaster   (at a Sentinel)   then   REPLICAOF <ip> <port>   (at replica-2)',
    ],
    solution: ['REPLICAOF 127.0.0.1 {port:replica-1}'],
    wrong: [['REPLICAOF 127.0.0.1 {port:primary}'], ['REPLICAOF 127.0.0.1 {port:sentinel-1}']],
  },
  {
    id: 'manual-failover',
    kind: 'exercise',
    points: 3,
    node: 'sentinel-1',
    setup: (ctx) => settle(labOf(ctx), START),
    check: expanded(custom('all three Sentinels naming a promoted replica as the primary', failedOver)),
    hints: [
      'A Sentinel can run a failover on demand, with no election: it promotes the best replica and tells the others.',
      'SENTINEL FAILOVER <master-name>   (the name the Sentinels monitor it under: mymaster)',
    ],
    solution: ['SENTINEL FAILOVER mymaster'],
    wrong: [['SENTINEL FAILOVER primary'], ['SENTINEL SET mymaster quorum 1'], ['SENTINEL CKQUORUM mymaster']],
  },
  {
    id: 'never-promote',
    kind: 'exercise',
    points: 2,
    node: 'replica-1',
    setup: (ctx) => settle(labOf(ctx), START),
    check: expanded(custom('replica-1 never promoted: replica-priority 0, at runtime and in its config file', neverPromoted)),
    hints: [
      'Sentinel reads each replica\'s replica-priority from INFO: lower is preferred, and one value means "never". A setting made only at runtime is lost on restart.',
      'CONFIG SET replica-priority <n>   then   CONFIG REWRITE',
    ],
    solution: ['CONFIG SET replica-priority 0', 'CONFIG REWRITE'],
    wrong: [['CONFIG SET replica-priority 1000'], ['CONFIG SET replica-priority 0'], ['CONFIG SET replica-priority 1', 'CONFIG REWRITE']],
  },
  {
    id: 'fix-quorum',
    kind: 'exercise',
    points: 2,
    node: 'sentinel-3',
    setup: async (ctx) => {
      const lab = labOf(ctx);
      await settle(lab, START);
      await adminCall(lab.node('sentinel-3').port, ['SENTINEL', 'SET', MASTER, 'quorum', '4']);
    },
    check: expanded(custom("sentinel-3's quorum 2, CKQUORUM OK", quorumTwo)),
    hints: [
      'With 3 Sentinels: how many must agree so that no single Sentinel decides alone, yet one Sentinel down cannot block it?',
      'SENTINEL SET mymaster quorum <n>   then check with   SENTINEL CKQUORUM mymaster',
    ],
    solution: ['SENTINEL SET mymaster quorum 2'],
    wrong: [['SENTINEL SET mymaster quorum 1'], ['SENTINEL SET mymaster quorum 3'], ['SENTINEL CKQUORUM mymaster']],
  },
  {
    id: 'old-primary-rejoins',
    kind: 'exercise',
    points: 3,
    node: 'primary',
    setup: async (ctx) => {
      const lab = labOf(ctx);
      await settle(lab, OLD_PRIMARY_BACK);
      await adminCall(lab.node('primary').port, ['SET', ctx.key(STALE), 'order 7731, written to the old primary after the failover']);
    },
    check: expanded(custom('primary replicating the primary the Sentinels name, link up, its late write gone', rejoined)),
    hints: [
      'The Sentinels know who the primary is now. The old primary must follow it: its own late writes will be thrown away by the sync.',
      'SENTINEL get-master-addr-by-name mymaster   (at a Sentinel)   then   REPLICAOF <ip> <port>   (here, at primary)',
    ],
    solution: ['REPLICAOF 127.0.0.1 {port:replica-2}'],
    wrong: [['REPLICAOF 127.0.0.1 {port:replica-1}'], ['REPLICAOF NO ONE'], ['DEL {ns}sentinel:late-order']],
  },
];

// `redis-learn doctor`: which server, its version and modules, latency, RedisInsight, local tools, and what to do next.
import { spawnSync } from 'node:child_process';
import { loadedModules, serverInfo } from '../redis/capabilities.js';
import type { Redis } from 'ioredis';
import { redisErrorCode } from '../errors.js';
import { REDISINSIGHT_URL, connectRedis, describeTarget, type RedisTarget } from '../redis/connect.js';
import { LEARNER_USER, aclSetuserLine } from '../redis/learner-acl.js';
import { findRedisServer, redisServerVersion } from '../redis/private-server.js';
import { selectedServer, serverStatuses } from '../redis/servers.js';
import { lessonStatus, loadProgress, progressPath } from '../progress/store.js';
import { LESSONS } from '../lessons/index.js';
import type { GlobalOptions } from '../session.js';
import { c, sym } from '../ui/theme.js';
import { emitJson, printWarnings } from './output.js';

function onPath(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

async function reachable(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return res.status < 500;
  } catch {
    return false;
  }
}

const SOURCE_TEXT = { compose: 'docker-compose.yml', option: '--learner-user', env: 'REDIS_LEARNER_URL' } as const;

/**
 * Whether Redis itself keeps the learner connection out of a key outside the namespace: one EXISTS (a read) on a name
 * outside it must come back NOPERM. null when the answer says neither (an older server, a lost connection).
 */
async function confined(learner: Redis, ns: string): Promise<boolean | null> {
  const outside = ['redis-learn-doctor:probe', '#redis-learn-doctor:probe'].find((k) => !k.startsWith(ns))!;
  try {
    await learner.exists(outside);
    return false;
  } catch (err) {
    return redisErrorCode(err) === 'NOPERM' ? true : null;
  }
}

/** Redis 6 brought ACL users; before it there is no restricted user to suggest. */
function hasAcl(version: string): boolean {
  const major = Number(/^(\d+)\./.exec(version)?.[1]);
  return !Number.isFinite(major) || major >= 6;
}

/** How to use the user once the administrator has created it: the option, or the URL of the same server and db. */
function learnerUsage(t: RedisTarget): { option: string; env: string } {
  const u = new URL(t.displayUrl);
  u.username = LEARNER_USER;
  u.password = 'PASSWORD';
  u.pathname = `/${t.db}`;
  u.search = '';
  return { option: `--learner-user ${LEARNER_USER}:PASSWORD`, env: `REDIS_LEARNER_URL=${u.toString()}` };
}

export interface DoctorOptions {
  json?: boolean;
}

export async function doctorCommand(opts: DoctorOptions, g: GlobalOptions): Promise<void> {
  const tools = {
    redisServer: findRedisServer(),
    redisServerVersion: redisServerVersion(),
    redisCli: onPath('redis-cli'),
    redisBenchmark: onPath('redis-benchmark'),
    docker: onPath('docker'),
  };
  // The private-server builds this machine can run (--server), and the one this run uses.
  const servers = { selected: selectedServer(), available: serverStatuses() };
  const conn = await connectRedis({ url: g.url, private: g.private, learnerUser: g.learnerUser });
  try {
    const t = conn.target;
    const samples: number[] = [];
    for (let i = 0; i < 21; i++) {
      const t0 = process.hrtime.bigint();
      await conn.client.ping();
      samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    samples.sort((a, b) => a - b);
    const mem = await serverInfo(conn.client, 'memory');
    const server = await serverInfo(conn.client, 'server');
    const modules = await loadedModules(conn.client);
    const insight = t.kind === 'compose' ? await reachable(REDISINSIGHT_URL, 800) : false;
    const learner = t.learner ? { ...t.learner, confined: await confined(conn.learnerClient, g.namespace) } : null;
    // The line for a shared server's administrator: redis-learn never runs ACL SETUSER on a server it did not start.
    const aclSetuser = t.kind === 'url' && !learner && hasAcl(t.version) ? aclSetuserLine(g.namespace, LEARNER_USER, t.db) : null;
    const report = {
      server: {
        kind: t.kind,
        address: t.displayUrl,
        version: t.version,
        product: t.product,
        private: t.private,
        mode: server.redis_mode ?? 'standalone',
        os: server.os ?? '',
        maxmemory: Number(mem.maxmemory ?? 0),
        maxmemoryPolicy: mem.maxmemory_policy ?? '',
        usedMemory: Number(mem.used_memory ?? 0),
      },
      modules,
      latencyMs: { median: samples[10], p95: samples[19], min: samples[0] },
      redisInsight: t.kind === 'compose' ? { url: REDISINSIGHT_URL, reachable: insight } : null,
      learner,
      learnerNote: learner
        ? null
        : t.private
          ? 'private server: no restricted user needed (disposable, started by redis-learn)'
          : (t.learnerNote ?? null),
      aclSetuser,
      learnerUsage: aclSetuser ? learnerUsage(t) : null,
      tools,
      progressFile: progressPath(),
      next: [] as string[],
    };
    if (t.kind === 'private')
      report.next.push('Keys vanish when the private server stops; for RedisInsight run `docker compose up -d` (see README).');
    if (!modules.length)
      report.next.push('No modules loaded: JSON/Search steps explain instead of run. Redis 8 (docker compose) has them built in.');
    if (learner?.confined === false) {
      report.next.push(
        `Redis user ${learner.user} can reach keys outside ${g.namespace}: give it the rules of \`${aclSetuserLine(g.namespace, learner.user, t.db)}\` (an administrator's job).`,
      );
    }
    if (t.kind === 'compose' && !learner) {
      report.next.push(
        `Recreate the compose Redis with this docker-compose.yml to get the ${LEARNER_USER} user: docker compose up -d --force-recreate redis`,
      );
    }
    if (!tools.redisBenchmark) report.next.push('Install redis-tools for `redis-learn bench --ceiling`.');
    report.next.push(nextLessonAdvice());
    if (opts.json) {
      emitJson(report);
      return;
    }
    const ok = (b: boolean) => (b ? c.green(sym.ok) : c.yellow(sym.fail));
    const lines = [
      describeTarget(t, g.namespace),
      `${ok(true)} server      ${t.kind} · ${t.displayUrl} · ${t.product} (${report.server.mode})`,
      `${ok(true)} latency     PING median ${report.latencyMs.median!.toFixed(3)} ms, p95 ${report.latencyMs.p95!.toFixed(3)} ms`,
      `${ok(modules.length > 0)} modules     ${modules.length ? modules.join(', ') : 'none'}`,
      `${ok(true)} memory      used ${(report.server.usedMemory / 1024 / 1024).toFixed(1)} MB · maxmemory ${report.server.maxmemory || 'unlimited'} · policy ${report.server.maxmemoryPolicy}`,
      t.kind === 'compose'
        ? `${ok(insight)} RedisInsight ${REDISINSIGHT_URL} ${insight ? 'answers' : 'does not answer (docker compose up -d)'}`
        : `${c.dim('-')} RedisInsight only with the docker-compose Redis`,
      ...learnerLines(report, t, g.namespace, ok),
      `${ok(Boolean(tools.redisServer))} redis-server ${tools.redisServer ? `${tools.redisServer} (${tools.redisServerVersion ?? '?'})` : 'not installed'}`,
      `${ok(true)} servers     ${servers.available
        .map((s) => `${s.name}${s.name === servers.selected ? ' (selected)' : ''} ${s.available ? (s.version ?? '?') : 'not prepared'}`)
        .join(' · ')}${servers.available.some((s) => !s.available) ? c.dim('  (redis-learn servers prepare)') : ''}`,
      `${ok(tools.redisCli)} redis-cli   ${ok(tools.redisBenchmark)} redis-benchmark   ${ok(tools.docker)} docker client`,
      `${c.dim('progress:')} ${report.progressFile}`,
      '',
      ...report.next.map((n) => `${c.cyan(sym.arrow)} ${n}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await conn.close();
  }
}

/** doctor's "learner commands" section: which Redis user runs the learner's commands, or why none and how to get one. */
function learnerLines(
  report: {
    learner: { user: string; source: keyof typeof SOURCE_TEXT; confined: boolean | null } | null;
    learnerNote: string | null;
    aclSetuser: string | null;
    learnerUsage: { option: string; env: string } | null;
  },
  t: RedisTarget,
  ns: string,
  ok: (b: boolean) => string,
): string[] {
  const head = 'learner commands';
  const { learner } = report;
  if (t.private)
    return [`${ok(true)} ${head}  run as the default user: none restricted is needed on this disposable server redis-learn started`];
  if (learner) {
    const from = SOURCE_TEXT[learner.source];
    if (learner.confined === false) {
      return [
        `${ok(false)} ${head}  run as Redis user ${learner.user} (from ${from}), but Redis lets it reach keys outside ${ns}: it is not restricted`,
      ];
    }
    const checked = learner.confined ? `; Redis itself refuses it keys outside ${ns}` : '';
    return [`${ok(true)} ${head}  run as restricted Redis user ${learner.user} (from ${from})${checked}`];
  }
  const lines = [`${ok(false)} ${head}  ${report.learnerNote ?? "run as the main connection's user"}`];
  if (report.aclSetuser && report.learnerUsage) {
    lines.push(
      `    For a second wall enforced by Redis itself, this server's administrator can create a restricted user (keys and channels under ${ns}, database ${t.db} only):`,
      `      ${report.aclSetuser}`,
      '    (with a password of their choice in place of CHOOSE-A-PASSWORD), and you then run redis-learn with',
      `      ${report.learnerUsage.option}`,
      `    or ${report.learnerUsage.env}`,
      '    redis-learn never runs ACL SETUSER itself on a server it did not start.',
    );
  } else if (t.kind === 'url' && !hasAcl(t.version)) {
    lines.push(`    Redis ${t.version} has no ACL users (Redis 6 or later): redis-learn's own checks are the only wall.`);
  }
  return lines;
}

/** The next thing to learn: the lesson in progress, else the first one not done, else the quiz. */
function nextLessonAdvice(): string {
  const { progress, warnings } = loadProgress();
  printWarnings(warnings);
  const lessons = progress.lessons;
  const started = LESSONS.find((l) => lessonStatus(lessons[l.id]) === 'in progress');
  if (started) return `Continue learning: redis-learn lesson ${started.id}`;
  const fresh = LESSONS.find((l) => lessonStatus(lessons[l.id]) === 'new');
  if (fresh) return `${fresh === LESSONS[0] ? 'Start' : 'Keep'} learning: redis-learn lesson ${fresh.id}`;
  return 'Every lesson is done: practise with redis-learn quiz --review';
}

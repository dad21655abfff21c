// A lab lesson's server: the lesson's topology started for the run, a sandbox on its first data node, connections to
// every node, and everything stopped when the run ends (Ctrl-C, SIGTERM and kill -9 included: see lab.ts).
import type { Redis, RedisOptions } from 'ioredis';
import type { LessonLab } from '../engine/types.js';
import { errorMessage } from '../errors.js';
import type { Connection, RedisTarget } from '../redis/connect.js';
import type { LabLink } from '../redis/lab-link.js';
import { DEFAULT_NAMESPACE, Sandbox } from '../redis/sandbox.js';
import { wrap } from '../engine/render.js';
import { terminalWidth } from '../ui/theme.js';
import { adminCall } from './admin.js';
import { startLab, type Lab } from './lab.js';
import { TOPOLOGY_SUMMARY, type Topology } from './topology.js';

export interface LabLessonSession {
  lab: Lab;
  sb: Sandbox;
  lessonLab: LessonLab;
  /** Closes every connection and stops the lab (safe to call twice). */
  close(): Promise<void>;
}

export interface LabLessonOptions {
  namespace?: string;
  /** What the lab is doing while it starts. */
  onProgress?: (line: string) => void;
  /** A node ended without the lesson asking. */
  onNodeExit?: (name: string, how: string) => void;
}

/**
 * Connections to lab nodes survive the lesson's own failures: a killed node is retried every 100 ms (a restart on the
 * same port is picked up), a command to a node that is down fails after two tries, one to a paused node after 5 s.
 */
function nodeOptions(port: number): RedisOptions {
  return {
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    connectTimeout: 2000,
    retryStrategy: () => 100,
    maxRetriesPerRequest: 2,
    commandTimeout: 5000,
    enableReadyCheck: false,
    showFriendlyErrorStack: false,
    protocol: 2,
    // ioredis would send CLIENT SETINFO on every reconnect (after the lesson restarts a node): Redis 7.0 answers it
    // with an error the transcript would show as if the lesson had typed it.
    disableClientInfo: true,
  };
}

async function connectNode(port: number): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const client = new Redis(nodeOptions(port));
  // Errors while a node is down are expected: commands report them; the event needs a listener to stay quiet.
  client.on('error', () => {});
  await client.connect().catch(() => undefined);
  return client;
}

/** Starts `topology` and opens the sandbox on its first data node. */
export async function openLabLesson(topology: Topology, opts: LabLessonOptions = {}): Promise<LabLessonSession> {
  const lab = await startLab(topology, {
    onProgress: opts.onProgress,
    onNodeExit: (node, how) => opts.onNodeExit?.(node.name, how),
  });
  const made: Redis[] = [];
  const make = async (port: number) => {
    const c = await connectNode(port);
    made.push(c);
    return c;
  };
  try {
    const data = lab.nodes.filter((n) => n.kind === 'redis');
    const home = data[0]!;
    const main = await make(home.port);
    const info = await main.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    const valkey = /valkey_version:(\S+)/.exec(info)?.[1];
    const target: RedisTarget = {
      kind: 'lab',
      host: home.host,
      port: home.port,
      db: 0,
      displayUrl: `redis://${home.host}:${home.port}`,
      version,
      product: valkey ? `Valkey ${valkey}` : `Redis ${version}`,
      private: true,
    };
    const conn: Connection = {
      client: main,
      learnerClient: main,
      target,
      newClient: () => make(home.port),
      close() {
        for (const c of made.splice(0)) c.disconnect();
        return Promise.resolve();
      },
    };
    const learners = new Map<string, Promise<Redis>>();
    const recorded = new Map<string, Promise<Redis>>();
    const admins = new Map<string, Promise<Redis>>();
    let sb: Sandbox | null = null;
    const names = lab.nodes.map((n) => n.name);
    const labelled = names.length > 1;
    /** A connection to `name` from `cache`, recorded (and labelled) when `record`. */
    const cached = (cache: Map<string, Promise<Redis>>, name: string, record: boolean): Promise<Redis> => {
      let p = cache.get(name);
      if (!p) {
        const node = lab.node(name);
        p = make(node.port).then((c) => {
          if (record) sb!.recorder.attach(c, labelled ? name : undefined);
          return c;
        });
        cache.set(name, p);
      }
      return p;
    };
    const vars = new Map<string, string>();
    for (const n of lab.nodes) {
      vars.set(`port:${n.name}`, String(n.port));
      if (n.busPort !== null) vars.set(`bus:${n.name}`, String(n.busPort));
    }
    if (topology === 'cluster') {
      for (const n of data) vars.set(`id:${n.name}`, String(await adminCall(n.port, ['CLUSTER', 'MYID'])));
    }
    const link: LabLink = {
      vars,
      ports: new Set(lab.nodes.flatMap((n) => [n.port, ...(n.busPort === null ? [] : [n.busPort])])),
      names,
      home: home.name,
      target: home.name,
      learnerConnection: (name) => (name === home.name ? Promise.resolve(sb!.learner) : cached(learners, name, true)),
      async describe() {
        const health = await lab.health(500);
        return health.map(
          (h) =>
            `${h.name === link.target ? '▸' : ' '} ${h.name.padEnd(10)} ${String(h.role ?? h.startedAs).padEnd(8)} ${h.address.padEnd(16)} ${h.health}${h.detail ? ` · ${h.detail}` : ''}`,
        );
      },
    };
    sb = await Sandbox.open(conn, opts.namespace ?? DEFAULT_NAMESPACE, link);
    const opened = sb;
    const lessonLab: LessonLab = {
      lab,
      client: (name) => (name === home.name ? Promise.resolve(opened.client) : cached(recorded, name, true)),
      admin: (name) => (name === home.name ? Promise.resolve(opened.admin) : cached(admins, name, false)),
      get target() {
        return link.target;
      },
    };
    let closing: Promise<void> | null = null;
    return {
      lab,
      sb: opened,
      lessonLab,
      close() {
        closing ??= (async () => {
          await opened.close().catch(() => undefined);
          for (const c of made.splice(0)) c.disconnect();
          await lab.stop();
        })();
        return closing;
      },
    };
  } catch (err) {
    for (const c of made) c.disconnect();
    await lab.stop();
    throw err;
  }
}

/** The lines a lab lesson starts with: what runs where, and that the configured server is left alone (wrapped). */
export function labHeader(session: LabLessonSession, topology: Topology, configured: string | null): string[] {
  const { lab, sb } = session;
  const width = Math.min(terminalWidth(), 100);
  const para = (text: string, indent: string) =>
    wrap(text, width - indent.length)
      .split('\n')
      .map((l) => indent + l);
  return [
    ...para(
      `${sb.target.product} · a ${topology} lab started for this lesson in ${(lab.upMs / 1000).toFixed(1)} s: ${TOPOLOGY_SUMMARY[topology]}`,
      '',
    ),
    ...para(`on 127.0.0.1: ${lab.nodes.map((n) => `${n.name} :${n.port}`).join(' · ')} (stopped when the lesson ends)`, '  '),
    ...para(
      configured
        ? `this lesson runs on its own nodes: ${configured} is not used`
        : 'this lesson runs on its own nodes, never on the server you configured',
      '  ',
    ),
  ];
}

/** Runs `fn` on a fresh lab of `topology` and always stops it. */
export async function withLabLesson<T>(
  topology: Topology,
  opts: LabLessonOptions,
  fn: (session: LabLessonSession) => Promise<T>,
): Promise<T> {
  const session = await openLabLesson(topology, opts);
  try {
    return await fn(session);
  } finally {
    await session.close().catch((err: unknown) => {
      process.stderr.write(`redis-learn: stopping the ${topology} lab: ${errorMessage(err)}\n`);
    });
  }
}

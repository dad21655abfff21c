// Connections: CLIENT LIST read as a table (idle, cmd, qbuf, omem), the learner naming the client whose output buffer
// grows, and the end of the incident: the app stopped, its figures counted, the settings back to the lab's defaults.
import { all, custom } from '../../engine/checks.js';
import { count, expanded, formatBytes } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { sleep } from '../../patterns/index.js';
import { ensureApp, runningApp, stopApp } from './lib/app.js';
import { incidentState, restoreConfig, waitFor } from './lib/incident.js';
import { clientList } from './lib/server-info.js';
import { K, NAMES } from './shared.js';

async function bufferClientRecorded(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const list = await clientList(ctx.unrecorded);
  const top = [...list].sort((a, b) => b.omem - a.omem)[0];
  if (!top || top.omem === 0)
    return { pass: false, actual: 'no client has anything in its output buffer now (:reset brings the feed back)' };
  const slot = ctx.key(K.answer('buffer-client'));
  const raw = await ctx.unrecorded.get(slot);
  if (raw === null) return { pass: false, actual: `${slot} does not exist` };
  const named = list.find((c) => c.name === raw.trim());
  if (!named) return { pass: false, actual: `you recorded ${raw}: no connection has that name (CLIENT LIST shows name=…)` };
  if (named.id !== top.id) {
    const why =
      named.name === NAMES.web
        ? 'it sends the most commands, and reads every reply at once (omem 0)'
        : named.name === NAMES.publisher
          ? 'it sends the messages; the buffer that grows is on the side that should read them'
          : named.name === NAMES.report
            ? 'it runs the slow SORT, idle in between; its buffer is empty'
            : `its omem is ${named.omem}`;
    return { pass: false, actual: `you recorded ${raw}: ${why}` };
  }
  return {
    pass: true,
    actual: `${top.name} (id ${top.id}, cmd=${top.cmd}) holds omem=${top.omem} (${formatBytes(top.omem)}), the most of ${count(list.length, 'client')}`,
  };
}

export const clientSteps: StepSpec[] = [
  {
    id: 'client-list',
    kind: 'code',
    async run(ctx) {
      const app = await ensureApp(ctx);
      await ctx.redis.call('CLIENT', 'LIST', 'TYPE', 'pubsub');
      const a = await clientList(ctx.unrecorded);
      ctx.table(
        ['id', 'name', 'idle s', 'cmd', 'qbuf', 'omem', 'tot-mem'],
        a.map((c) => [c.id, c.name || '(lesson)', c.idle, c.cmd, c.qbuf, c.omem, formatBytes(c.totMem)]),
      );
      const r0 = a.find((c) => c.id === app.readerId);
      await sleep(1000);
      const r1 = (await clientList(ctx.unrecorded, app.readerId))[0];
      if (r0 && r1) {
        ctx.say(
          `One connection's omem went from ${formatBytes(r0.omem)} to ${formatBytes(r1.omem)} in one second: the server queues ` +
            `what it could not send, in its own memory, and the client-output-buffer-limit for its class decides when to cut it off.`,
        );
      }
    },
  },
  {
    id: 'client-buffer',
    kind: 'exercise',
    points: 2,
    async setup(ctx) {
      await incidentState(ctx, { slowlog: 'fixed', answer: 'buffer-client' });
      const app = await ensureApp(ctx);
      await waitFor(async () => (((await clientList(ctx.unrecorded, app.readerId))[0]?.omem ?? 0) > 0 ? true : null), 3000);
    },
    check: expanded(
      all(
        custom(
          'the name of the client with the largest output buffer (omem), in {ns}observability:answer:buffer-client',
          bufferClientRecorded,
        ),
      ),
    ),
    hints: [
      'CLIENT LIST prints one line per connection; omem is the bytes waiting in its output buffer, name is what the client called itself.',
      'CLIENT LIST   then   SET {ns}observability:answer:buffer-client <name>',
    ],
    solution: ['CLIENT LIST', `SET {ns}observability:answer:buffer-client ${NAMES.reader}`],
    wrong: [
      // The busiest client is not the one the server waits on.
      [`SET {ns}observability:answer:buffer-client ${NAMES.web}`],
      // The sender of the messages, not their reader.
      ['CLIENT LIST', `SET {ns}observability:answer:buffer-client ${NAMES.publisher}`],
      // The slow command's client.
      [`SET {ns}observability:answer:buffer-client ${NAMES.report}`],
    ],
  },
  {
    id: 'incident-over',
    kind: 'code',
    async run(ctx) {
      const app = runningApp(ctx);
      const reader = app ? (await clientList(ctx.unrecorded, app.readerId))[0] : undefined;
      const stats = await stopApp(ctx);
      if (stats) {
        const secs = (Date.now() - stats.startedAt) / 1000;
        const sorted = [...stats.sortMs].sort((a, b) => a - b);
        const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
        ctx.table(
          ['the app, over ' + secs.toFixed(1) + ' s', 'figure'],
          [
            ['GETs sent by the web tier', stats.gets.toLocaleString('en-US')],
            [
              'of them for the one hot key',
              `${stats.hotGets.toLocaleString('en-US')} (${((100 * stats.hotGets) / Math.max(1, stats.gets)).toFixed(0)}%)`,
            ],
            ['SORTs run by the report job', `${stats.sorts}, median round trip ${median.toFixed(1)} ms`],
            ['feed messages published', `${stats.published} (${formatBytes(stats.publishedBytes)})`],
            ['the reader’s output buffer at its largest', formatBytes(Math.max(stats.readerOmemMax, reader?.omem ?? 0))],
            ['one-time codes written to expire', stats.otps.toLocaleString('en-US')],
          ],
        );
      }
      const names: readonly string[] = Object.values(NAMES);
      const appClients = async () => (await clientList(ctx.unrecorded)).filter((c) => names.includes(c.name));
      // The server closes a connection a moment after the client hangs up.
      const left = (await waitFor(async () => ((await appClients()).length ? null : []), 1000)) ?? (await appClients());
      ctx.say(`The app is stopped: ${count(left.length, 'connection')} of it left on the server.`);
      await restoreConfig(ctx.unrecorded);
      await ctx.redis.config('GET', 'maxmemory-policy');
    },
  },
];

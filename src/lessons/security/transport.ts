// TLS on the lab node, with certificates made for this run: an encrypted connection works, a plaintext one on the TLS
// port does not, and a tapping proxy counts how often the secret crosses the wire readable. Exercise: mutual-tls.
import { performance } from 'node:perf_hooks';
import type { ConnectionOptions } from 'node:tls';
import { custom } from '../../engine/checks.js';
import { expanded } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import type { Lab } from '../../lab/lab.js';
import { freePort } from '../../redis/private-server.js';
import { connectAs, tryCommand } from './lib/as-user.js';
import { baseline, configGet, guarded, labOf, nodePort } from './lib/baseline.js';
import { enableTls, makeCerts, occurrences, tap, tlsOptions, type CertFiles } from './lib/tls.js';
import { K, SECRET_VALUE } from './shared.js';

/** One TLS port per lab, so the exercise's port stays the one the step showed. */
const tlsPorts = new WeakMap<Lab, number>();

async function tlsSetup(ctx: LessonContext): Promise<{ files: CertFiles & { made: boolean }; port: number; certMs: number }> {
  const lab = labOf(ctx);
  const t0 = performance.now();
  const files = await makeCerts(lab.node('node').dir);
  const certMs = performance.now() - t0;
  let port = tlsPorts.get(lab);
  if (port === undefined) {
    port = await freePort();
    tlsPorts.set(lab, port);
  }
  return { files, port, certMs };
}

/** Connects (TLS or not) to `port` through a tap, reads the secret, and says what the tap saw. */
async function readThroughTap(ctx: LessonContext, port: number, tls?: ConnectionOptions) {
  const t = await tap(port);
  const t0 = performance.now();
  const s = await connectAs(t.port, null, null, tls ? { ...tls, servername: 'localhost' } : undefined);
  try {
    const r = s.loginError
      ? { allowed: false, reply: `(error) ${s.loginError}` }
      : await tryCommand(s.client, ['HGET', ctx.key(K.secret), 'password']);
    const ms = performance.now() - t0;
    return {
      reply: r.reply,
      ok: !s.loginError && r.reply === SECRET_VALUE,
      ms,
      bytes: t.bytes().length,
      seen: occurrences(t.bytes(), SECRET_VALUE),
    };
  } finally {
    s.close();
    await t.close();
  }
}

/** An OpenSSL error's readable part ("alert certificate required"), else the message. */
function tlsReason(msg: string | null): string {
  if (!msg) return 'closed';
  return /alert ([a-z ]+)/i.exec(msg)?.[0]?.trim() ?? msg;
}

async function clientCertRequired(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const lab = labOf(ctx);
  const want = tlsPorts.get(lab);
  const port = await configGet(ctx.unrecorded, 'tls-port');
  if (want === undefined || port !== String(want))
    return { pass: false, actual: `tls-port is ${port}: TLS is off, the clients cannot connect at all` };
  const files = await makeCerts(lab.node('node').dir);
  const bare = await connectAs(want, null, null, { ...tlsOptions(files, false), servername: 'localhost' });
  const bareReply = bare.loginError ? null : await tryCommand(bare.client, ['PING']);
  bare.close();
  if (bareReply && bareReply.reply === 'PONG') {
    return {
      pass: false,
      actual: `a client with no certificate connected over TLS and got PONG (tls-auth-clients ${await configGet(ctx.unrecorded, 'tls-auth-clients')})`,
    };
  }
  const signed = await connectAs(want, null, null, { ...tlsOptions(files, true), servername: 'localhost' });
  const signedReply = signed.loginError ? { reply: `(error) ${signed.loginError}` } : await tryCommand(signed.client, ['PING']);
  signed.close();
  if (signedReply.reply !== 'PONG')
    return { pass: false, actual: `the client with the lab CA's certificate was refused too: ${signedReply.reply}` };
  return {
    pass: true,
    actual: `on TLS port ${want}: no certificate → ${bareReply?.reply ?? `refused (${tlsReason(bare.loginError)})`}; billing-service certificate → PONG`,
  };
}

export const transportSteps: StepSpec[] = [
  {
    id: 'tls',
    kind: 'code',
    async run(ctx) {
      const { files, port, certMs } = await tlsSetup(ctx);
      ctx.say(
        `openssl made a CA, a server certificate for 127.0.0.1 and a client certificate in ${Math.round(certMs)} ms (in ${files.dir}).`,
      );
      await enableTls(ctx.redis, files, port, 'no');
      await ctx.redis.call('CONFIG', 'GET', 'tls-*-file');
      const plain = await readThroughTap(ctx, nodePort(ctx));
      const enc = await readThroughTap(ctx, port, tlsOptions(files, false));
      const wrongPort = await readThroughTap(ctx, port);
      const untrusted = await readThroughTap(ctx, port, {});
      const p = nodePort(ctx);
      ctx.table(
        ['client → port', 'HGET secret:db password', 'ms', 'bytes', 'secret seen'],
        [
          [`plaintext → ${p}`, plain.reply, plain.ms.toFixed(1), plain.bytes, `${plain.seen}×`],
          [`TLS → ${port}`, enc.reply, enc.ms.toFixed(1), enc.bytes, `${enc.seen}×`],
          [`plaintext → ${port}`, wrongPort.reply, wrongPort.ms.toFixed(1), wrongPort.bytes, `${wrongPort.seen}×`],
          [`TLS, CA unknown → ${port}`, untrusted.reply, untrusted.ms.toFixed(1), untrusted.bytes, `${untrusted.seen}×`],
        ],
      );
      ctx.say(
        `A tap between client and server read the database password ${plain.seen} time(s) in ${plain.bytes} plaintext bytes, and ${enc.seen} times in ` +
          `${enc.bytes} TLS bytes (certificates and handshake included). Connecting and reading took ${enc.ms.toFixed(1)} ms over TLS against ` +
          `${plain.ms.toFixed(1)} ms in plaintext: pay the handshake once per connection, keep connections open. ` +
          `Plaintext on the TLS port ${wrongPort.ok ? 'worked?!' : 'failed'}, and so did TLS to a server whose CA the client does not trust.`,
      );
      await ctx.unrecorded.call('CONFIG', 'SET', 'tls-port', '0');
    },
  },
  {
    id: 'mutual-tls',
    kind: 'exercise',
    points: 2,
    async setup(ctx) {
      await baseline(ctx);
      const { files, port } = await tlsSetup(ctx);
      await enableTls(ctx.unrecorded, files, port, 'no');
    },
    check: guarded(expanded(custom('TLS still on, and only clients with a certificate signed by the lab CA get in', clientCertRequired))),
    hints: [
      'The server already checks certificates against tls-ca-cert-file; it just does not ask clients for one. One setting changes that.',
      'CONFIG SET tls-auth-clients yes|no|optional   (yes: a client certificate is required)',
    ],
    solution: ['CONFIG SET tls-auth-clients yes'],
    wrong: [
      // optional: a client that sends no certificate is still let in.
      ['CONFIG SET tls-auth-clients optional'],
      // TLS off: nobody without a certificate gets in over TLS, because nobody gets in over TLS at all.
      ['CONFIG SET tls-port 0'],
      // Newer protocol, same open door.
      ['CONFIG SET tls-protocols TLSv1.3'],
    ],
  },
];

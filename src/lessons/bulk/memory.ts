// The bulk lesson's memory steps: bytes per user for three layouts, the listpack → hashtable switch live, and (on a
// private server only) the listpack limit raised so buckets stay compact, then put back.
import type { StepSpec } from '../../engine/prose.js';
import { versionAtLeast } from '../../redis/capabilities.js';
import { BUCKET_SIZE, LAYOUTS, encodingCrossing, hashListpackLimit, keysFootprint, layoutKeys, writeLayout } from './lib/memory-layout.js';
import { generateUsers } from './lib/users.js';
import { DEMO_KEY, LAYOUT_SAMPLE, LEAVER, RAISED_LISTPACK_VALUE, bytes, dataMemory, fmt, runState } from './shared.js';

export const memorySteps: StepSpec[] = [
  {
    id: 'memory-layouts',
    kind: 'code',
    async run(ctx) {
      const st = runState(ctx);
      const ns = ctx.sb.ns;
      const sample = Math.min(LAYOUT_SAMPLE, st.records);
      st.layoutBytes = {};
      const rows: (string | number)[][] = [];
      let jsonBytes = 0;
      for (const layout of LAYOUTS) {
        const before = await dataMemory(ctx);
        const keys = new Set<string>();
        for await (const batch of generateUsers({ total: sample, batchSize: 250 })) {
          const names = layoutKeys(ns, layout, batch);
          await ctx.claim(names);
          names.forEach((k) => keys.add(k));
          await writeLayout(ctx.redis, ns, layout, batch);
          if (layout === 'json') for (const u of batch) jsonBytes += JSON.stringify(u).length;
        }
        const after = await dataMemory(ctx);
        const fp = await keysFootprint(ctx.unrecorded, [...keys]);
        st.layoutBytes[layout] = fp.bytes / sample;
        rows.push([
          layout,
          fmt(keys.size),
          Object.entries(fp.encodings)
            .map(([e, n]) => `${e} ×${n}`)
            .join(', '),
          fmt((after - before) / sample),
          fmt(fp.bytes / sample),
        ]);
      }
      ctx.table(['layout', 'keys', 'encoding', 'INFO Δ bytes/user', 'MEMORY USAGE bytes/user'], rows);
      const limit = await hashListpackLimit(ctx.unrecorded);
      ctx.say(
        `the buckets are ${rows[2]?.[2]}: each field holds a JSON document of ~${fmt(jsonBytes / sample)} bytes, ` +
          `over the ${limit ? `${limit.name} of ${limit.value}` : 'listpack value limit (64 bytes by default)'}, so every bucket became a real hashtable ` +
          'with a dict entry and two strings per field — and the saving is gone.',
      );
      if (!ctx.sb.target.private) {
        ctx.say(
          '(this server is shared: other clients allocate memory too, so the INFO column can be noisy; MEMORY USAGE is per key and exact.)',
        );
      }
    },
  },
  {
    id: 'encoding',
    kind: 'code',
    async run(ctx) {
      const limit = await hashListpackLimit(ctx.unrecorded);
      const value = limit?.value ?? 64;
      if (!limit) ctx.say('CONFIG GET is not allowed here; assuming the default hash-max-listpack-value of 64.');
      const key = ctx.key(DEMO_KEY);
      await ctx.claim([key]);
      const steps = await encodingCrossing(ctx.redis, key, value);
      ctx.table(
        ['write', 'OBJECT ENCODING'],
        steps.map((s) => [s.write, s.encoding]),
      );
      if (!versionAtLeast(ctx.sb.target.version, '7.0')) {
        ctx.say(`this server runs Redis ${ctx.sb.target.version}: before 7.0 the compact encoding is reported as ziplist.`);
      }
    },
  },
  {
    id: 'raise-limit',
    kind: 'code',
    async run(ctx) {
      const st = runState(ctx);
      const ns = ctx.sb.ns;
      const limit = await hashListpackLimit(ctx.unrecorded);
      if (!ctx.sb.target.private || !limit) {
        const why = !limit ? 'CONFIG GET/SET is not available on this server' : `this is a shared server (${ctx.sb.target.displayUrl})`;
        ctx.say(
          `Not changed here: ${why}. On a private server the lesson sets ${limit?.name ?? 'hash-max-listpack-value'} to ` +
            `${RAISED_LISTPACK_VALUE}, rebuilds the buckets and they come back as listpacks, noticeably smaller per user than ` +
            'one hash per user, then restores the setting. Try it with: redis-learn lesson bulk --private',
        );
        return;
      }
      const sample = Math.min(LAYOUT_SAMPLE, st.records);
      const bucketKeys = Array.from({ length: Math.floor(sample / BUCKET_SIZE) + 1 }, (_, b) => `${ns}mem:bucket:${b}`);
      const before = await dataMemory(ctx);
      await ctx.redis.call('CONFIG', 'SET', limit.name, String(RAISED_LISTPACK_VALUE));
      let lp: { bytes: number; encodings: Record<string, number> };
      let delta: number;
      try {
        // Existing hashtables never convert back: the buckets must be written again. The rewrite is the
        // same HSETs the previous step printed, so it runs unrecorded and the CONFIG SET pair stays in view.
        await ctx.redis.unlink(...bucketKeys);
        const cleared = await dataMemory(ctx);
        for await (const batch of generateUsers({ total: sample, batchSize: 250 })) {
          await writeLayout(ctx.unrecorded, ns, 'bucket', batch);
        }
        delta = (await dataMemory(ctx)) - cleared;
        lp = await keysFootprint(ctx.unrecorded, bucketKeys);
      } finally {
        await ctx.redis.call('CONFIG', 'SET', limit.name, String(limit.value));
      }
      const restored = await hashListpackLimit(ctx.unrecorded);
      st.layoutBytes = { ...st.layoutBytes, 'bucket-listpack': lp.bytes / sample };
      const b = st.layoutBytes;
      const rows: (string | number)[][] = [
        ['hash per user', 'listpack', fmt(b.hash ?? 0)],
        ['json per user', 'string', fmt(b.json ?? 0)],
        [`bucket, ${limit.name} ${limit.value}`, 'hashtable', fmt(b.bucket ?? 0)],
        [`bucket, ${limit.name} ${RAISED_LISTPACK_VALUE}`, Object.keys(lp.encodings).join(', '), fmt(lp.bytes / sample)],
      ];
      ctx.table(['layout', 'encoding', 'MEMORY USAGE bytes/user'], rows);
      // Two measurements, each named for what it is: the table is MEMORY USAGE per key; used_memory is INFO memory.
      ctx.say(
        `MEMORY USAGE (the table): ${fmt(lp.bytes / sample)} bytes/user for the listpack buckets against ${fmt(b.bucket ?? 0)} ` +
          `for the hashtable ones. By INFO memory, used_memory grew by ${fmt(delta / sample)} bytes/user as they were ` +
          `rebuilt, ${bytes(before - (await dataMemory(ctx)))} less for the whole sample than with the hashtable buckets. ` +
          `${limit.name} is back to ${restored?.value ?? '?'}.`,
      );
      // The rule is checked on write: the buckets stay listpacks until a write breaks the restored limit.
      const probe = bucketKeys[0]!;
      const encBefore = String(await ctx.redis.call('OBJECT', 'ENCODING', probe));
      const user1 = (await ctx.unrecorded.hget(probe, '1')) ?? JSON.stringify(LEAVER);
      await ctx.redis.hset(probe, '1', user1);
      const encAfter = String(await ctx.redis.call('OBJECT', 'ENCODING', probe));
      ctx.say(`with the limit restored, ${probe} is still ${encBefore}; rewriting one field turns it into ${encAfter}.`);
    },
  },
];

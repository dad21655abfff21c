// Quiz topic: The ecosystem now: licences, the Valkey fork, what Redis 7.2–8.x added, and which server replies what.
import { all, hashLacks, learnerReply } from '../../engine/checks.js';
import type { Topic } from '../types.js';

/** The SHA1 of the script "return 1", as SCRIPT LOAD replies it. */
const RETURN_1_SHA = 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db';

export const topic: Topic = {
  id: 'ecosystem',
  title: 'The ecosystem now: licences, forks and versions',
  intro:
    'What changed around Redis since 2024: Redis 7.4 left the BSD licence for RSALv2/SSPLv1, Redis 8.0 added AGPLv3 as ' +
    'a third option, and the Linux Foundation forked Redis 7.2.4 as Valkey. The two servers speak the same protocol and ' +
    'share everything up to 7.2, then diverge: hash field expiration, HGETEX and vector sets in Redis; SET IFEQ, ' +
    'COMMANDLOG and new defaults in Valkey. Several questions run live, so the reply depends on the server you quiz ' +
    'against. The licence questions state facts, not legal advice.',
  questions: [
    {
      id: 'ecosystem-licence-2024',
      kind: 'choice',
      level: 'beginner',
      question: 'What did Redis Ltd. announce in March 2024 about the licence of Redis? (Pick all that apply.)',
      options: [
        {
          text: 'From Redis 7.4 on, the source is dual-licensed under RSALv2 and SSPLv1, at the user’s choice, instead of BSD-3-Clause',
          correct: true,
          why: 'That was the announcement of 20 March 2024; neither licence is approved by the OSI as open source.',
        },
        {
          text: 'Releases already published, up to 7.2.x, stay under BSD-3-Clause',
          correct: true,
          why: 'A licence change cannot be applied backwards; 7.2.4 is the last BSD release and the base of the Valkey fork.',
        },
        {
          text: 'Redis moved to the Business Source License (BSL 1.1)',
          correct: false,
          why: 'BSL is what HashiCorp and Dragonfly use; Redis chose RSALv2 (its own licence) and SSPLv1 (MongoDB’s).',
        },
        {
          text: 'The source code was no longer published',
          correct: false,
          why: 'The code stayed public on GitHub; what changed is what the licence allows.',
        },
      ],
      explanation:
        'Redis was BSD-licensed from 2009. On 20 March 2024 Redis Ltd. announced that Redis 7.4 and later would be ' +
        'available under RSALv2 or SSPLv1, the licences its modules and Redis Stack already used, with the stated aim of ' +
        'stopping cloud providers from selling Redis as a service without an agreement. Existing releases kept their BSD ' +
        'licence, which is why forks started from 7.2.4. Redis 8.0 later added AGPLv3 as a third option.',
      versions: 'Redis 7.4+ (7.2.x and earlier stay BSD)',
    },
    {
      id: 'ecosystem-redis8-agpl',
      kind: 'choice',
      level: 'intermediate',
      question: 'Under which licences is Redis 8.0 (Redis Open Source, May 2025) available?',
      options: [
        {
          text: 'The user’s choice of RSALv2, SSPLv1 or AGPLv3',
          correct: true,
          why: 'The 8.0 release notes list the three; AGPLv3 is OSI-approved, so Redis is open source again under that option.',
        },
        {
          text: 'BSD-3-Clause again, like 7.2',
          correct: false,
          why: 'BSD did not come back; only Valkey (and Redis up to 7.2.x) are BSD.',
        },
        {
          text: 'AGPLv3 only: RSALv2 and SSPLv1 were withdrawn',
          correct: false,
          why: 'AGPLv3 was added as a third option; the other two remain.',
        },
        {
          text: 'AGPLv3 for the modules only, while the core stays RSALv2/SSPLv1',
          correct: false,
          why: 'The whole of Redis Open Source 8, core included, is offered under the three licences.',
        },
      ],
      explanation:
        'Redis 8.0 (GA on 2 May 2025) renamed Redis Community Edition to Redis Open Source, folded the Query Engine, JSON, ' +
        'time series and the probabilistic structures into it, added vector sets as a beta, and added AGPLv3 to the two ' +
        'source-available licences. Whoever takes the code picks one of the three and follows its terms.',
      versions: 'Redis 8.0+',
    },
    {
      id: 'ecosystem-licence-obligations',
      kind: 'choice',
      level: 'advanced',
      question: 'Facts, not legal advice: which statements describe what the Redis 7.4+/8 licences ask of whom? (Pick all that apply.)',
      options: [
        {
          text: 'RSALv2 forbids offering Redis itself to third parties as a managed service (and removing its licence notices); using it inside your own application is allowed',
          correct: true,
          why: 'Those are its two main limitations; it targets hosting Redis as a product, not applications built on it.',
        },
        {
          text: 'SSPLv1 lets you offer Redis as a service only if you publish, under SSPL, the source of the whole stack used to run that service (management, monitoring, backups…)',
          correct: true,
          why: 'That service-source clause is what makes SSPL impractical for cloud providers and why the OSI does not approve it.',
        },
        {
          text: 'AGPLv3: if you modify Redis and let users interact with it over a network, you must offer them the source of your modified version',
          correct: true,
          why: 'That is the network clause of the AGPL; running unmodified Redis does not create modifications to publish.',
        },
        {
          text: 'Under AGPLv3, every application that sends commands to Redis must itself be released under the AGPL',
          correct: false,
          why: 'The licence’s conditions attach to copies and modified versions of Redis; a separate client program is not one.',
        },
        {
          text: 'Companies running Redis 7.2.x must relicense or upgrade',
          correct: false,
          why: '7.2.x and earlier remain BSD-3-Clause; nothing changed for them.',
        },
      ],
      explanation:
        'For an application developer who runs Redis as a cache or database behind their own product, none of the three ' +
        'licences requires anything new in practice. The restrictions bite for someone who offers Redis itself as a ' +
        'service: RSALv2 forbids it, SSPLv1 requires publishing the whole service stack, and AGPLv3 requires publishing ' +
        'modifications to Redis. That is why AWS, Google Cloud and others moved their managed offerings to Valkey, which ' +
        'is BSD, while Microsoft reached a commercial agreement. Check the licence texts (or a lawyer) for real decisions.',
      versions: 'Redis 7.4+ (RSALv2/SSPLv1) · Redis 8.0+ (AGPLv3 option)',
    },
    {
      id: 'ecosystem-valkey-fork',
      kind: 'choice',
      level: 'beginner',
      question: 'What is Valkey? (Pick all that apply.)',
      options: [
        {
          text: 'A fork of Redis 7.2.4, hosted by the Linux Foundation, announced in March 2024',
          correct: true,
          why: 'It started from the last BSD-licensed release, days after the licence change.',
        },
        {
          text: 'It is licensed BSD-3-Clause, like Redis up to 7.2',
          correct: true,
          why: 'Keeping the permissive licence was the reason for the fork.',
        },
        {
          text: 'Its founding backers included AWS, Google Cloud, Oracle, Ericsson and Snap, and several former Redis core maintainers lead it',
          correct: true,
          why: 'Madelyn Olson (AWS), Ping Xie (Google) and Viktor Söderqvist (Ericsson) were among the initial maintainers.',
        },
        {
          text: 'A fork of Redis 7.4 that keeps hash field expiration',
          correct: false,
          why: '7.4 was already under the new licence; Valkey forked before it and added its own hash field expiration only later (Valkey 9.0).',
        },
        {
          text: 'Redis Ltd.’s free community edition',
          correct: false,
          why: 'That was Redis Community Edition, renamed Redis Open Source in 8.0; Valkey is an independent project.',
        },
      ],
      explanation:
        'Valkey was announced on 28 March 2024 as a Linux Foundation project continuing Redis 7.2.4 under BSD-3-Clause. ' +
        'Its first release was 7.2.5 (wire- and command-compatible with Redis 7.2), then 8.0 (September 2024: async I/O ' +
        'threads, dual-channel replication, per-slot stats) and 8.1 (March 2025: a new hash table, COMMANDLOG, SET IFEQ). ' +
        'Managed services such as Amazon ElastiCache and Google Memorystore offer it, and several Linux distributions ' +
        'package it.',
      versions: 'Redis 7.2.4 (fork point) · Valkey 7.2+',
    },
    {
      id: 'ecosystem-valkey-info',
      kind: 'choice',
      level: 'intermediate',
      question:
        'INFO server on a Valkey 8.1.1 server says `redis_version:7.2.4`. How do you tell it apart from Redis, and why does it say 7.2.4? (Pick all that apply.)',
      options: [
        {
          text: 'It also reports `server_name:valkey` and `valkey_version:8.1.1`; HELLO replies with server "valkey"',
          correct: true,
          why: 'Those fields name the real server and version; redis_version is kept for compatibility.',
        },
        {
          text: 'redis_version is frozen at 7.2.4 so that clients and tools that check it for features keep working: Valkey supports everything Redis 7.2.4 does',
          correct: true,
          why: 'Valkey promises compatibility with Redis OSS 7.2.4 and says so in every release note.',
        },
        {
          text: 'It means the server is really Redis 7.2.4 with a Valkey patch',
          correct: false,
          why: 'It is Valkey 8.1.1; only the compatibility field says 7.2.4.',
        },
        {
          text: 'Valkey 8.1 reports the mode as `redis_mode`, like Redis',
          correct: false,
          why: 'Valkey 8.1 names that field server_mode; scripts that parse redis_mode need updating.',
        },
      ],
      explanation:
        'Valkey keeps redis_version at 7.2.4, the Redis release it is compatible with, and adds server_name and ' +
        'valkey_version. Feature detection should rely on those (or on COMMAND INFO for a specific command), not on ' +
        'redis_version alone: a Valkey 8 server has commands Redis 7.2 lacks (SET IFEQ in 8.1) and lacks commands ' +
        'Redis 7.4+ has (HEXPIRE, HGETEX).',
      proof: ['INFO server'],
      versions: 'Redis 7.2.4 (compatibility level) · Valkey 7.2+',
    },
    {
      id: 'ecosystem-hgetex',
      kind: 'predict',
      level: 'intermediate',
      question: 'A session hash is read with HGETEX, which also sets a 60-second TTL on the field. What does it reply?',
      setup: ['HSET {ns}session token abc'],
      commands: ['HGETEX {ns}session EX 60 FIELDS 1 token'],
      answer: "(error) ERR unknown command 'HGETEX'",
      answerOn: [{ server: 'Redis 8', answer: '1) "abc"' }],
      explanation:
        'HGETEX (with HSETEX and HGETDEL) is new in Redis 8.0: it reads fields and sets or removes their expiration in one ' +
        'command, building on the per-field TTLs of Redis 7.4 (HEXPIRE, HTTL…). On Redis 8 it replies with the values, ' +
        '1) "abc". Redis 7.0–7.4 and Valkey 8 do not know it and reply ERR unknown command. Valkey added its own hash ' +
        'field expiration in 9.0.',
      proof: ['HSET {ns}session token abc', 'HGET {ns}session token', 'EXPIRE {ns}session 60'],
      versions: 'Redis 8.0+ (not in Redis 7.x or Valkey 8)',
    },
    {
      id: 'ecosystem-hgetdel',
      kind: 'predict',
      level: 'intermediate',
      question: 'A one-time code is taken with HGETDEL, then the hash is checked. What does EXISTS reply?',
      setup: ['HSET {ns}otp code 123456'],
      commands: ['HGETDEL {ns}otp FIELDS 1 code', 'EXISTS {ns}otp'],
      answer: '(integer) 1',
      answerOn: [{ server: 'Redis 8', answer: '(integer) 0' }],
      explanation:
        'On Redis 8 HGETDEL returns the value and deletes the field atomically; removing the last field removes the key, ' +
        'so EXISTS replies 0. On Redis 7.x and Valkey 8 HGETDEL is an unknown command, nothing is deleted and EXISTS ' +
        'replies 1. Code that must run everywhere reads and deletes in MULTI/EXEC or a script instead.',
      versions: 'Redis 8.0+ (not in Redis 7.x or Valkey 8)',
    },
    {
      id: 'ecosystem-hexpire',
      kind: 'predict',
      level: 'intermediate',
      question: 'A cart item should expire on its own after an hour. What does HEXPIRE reply?',
      setup: ['HSET {ns}cart sku:1 2 sku:2 1'],
      commands: ['HEXPIRE {ns}cart 3600 FIELDS 1 sku:1'],
      answer: "(error) ERR unknown command 'HEXPIRE'",
      answerOn: [
        { server: 'Redis 7.4', answer: '1) (integer) 1' },
        { server: 'Redis 8', answer: '1) (integer) 1' },
      ],
      explanation:
        'Per-field expiration (HEXPIRE, HPEXPIRE, HEXPIREAT, HTTL, HPERSIST…) arrived in Redis 7.4, the first release ' +
        'under the new licence, so Valkey 8, forked from 7.2.4, does not have it, and neither does Redis 7.0. On Redis ' +
        '7.4+ and 8 the reply is an array with one code per field: 1 means the TTL was set (2 would mean the field was ' +
        'deleted at once, -2 that it does not exist). Before 7.4 the usual workaround is one key per item with its own TTL.',
      versions: 'Redis 7.4+ (not in Valkey 8)',
    },
    {
      id: 'ecosystem-vector-set',
      kind: 'predict',
      level: 'advanced',
      question: 'A three-dimensional embedding is added to a vector set. What does VADD reply?',
      commands: ['VADD {ns}emb VALUES 3 0.1 0.2 0.3 doc:1'],
      answer: "(error) ERR unknown command 'VADD'",
      answerOn: [{ server: 'Redis 8', answer: '(integer) 1' }],
      explanation:
        'Vector sets are a data type new in Redis 8.0, released as a beta: a set of named vectors, inspired by sorted ' +
        'sets, with VADD to insert, VSIM for similarity search (HNSW), VCARD, VREM, VEMB and more. They ship with Redis ' +
        '8 (implemented as a module that loads with the server), so Redis 8 replies 1 (added). Redis 7.x and Valkey 8 ' +
        'have no such command; there, vector search means the Query Engine (RediSearch) or a separate store.',
      versions: 'Redis 8.0+ (beta in 8.0; not in Valkey 8)',
    },
    {
      id: 'ecosystem-set-ifeq',
      kind: 'predict',
      level: 'advanced',
      question:
        'A config value is replaced only if it still holds the value read earlier (compare-and-set). What does the second SET reply?',
      setup: ['SET {ns}cfg v1'],
      commands: ['SET {ns}cfg v2 IFEQ v1'],
      answer: '(error) ERR syntax error',
      answerOn: [
        { server: 'Valkey', answer: 'OK' },
        { server: 'Redis 8.0', answer: '(error) ERR syntax error' },
        { server: 'Redis 8.2', answer: '(error) ERR syntax error' },
        { server: 'Redis 8', answer: 'OK' },
      ],
      explanation:
        'SET … IFEQ sets the key only if its current value equals the given one: an atomic compare-and-set without WATCH ' +
        'or a Lua script. Valkey added it in 8.1 and replies OK here (nil when the value differs). Redis added IFEQ in 8.4, ' +
        'together with IFNE, IFDEQ/IFDNE (comparing a DIGEST of the value) and DELEX for compare-and-delete. Redis 7.x, ' +
        '8.0 and 8.2 reject the unknown option with a syntax error. Portable code keeps using WATCH/MULTI or a script.',
      proof: ['SET {ns}cfg v1', 'GET {ns}cfg'],
      versions: 'Redis 8.4+ · Valkey 8.1+',
    },
    {
      id: 'ecosystem-hscan-novalues',
      kind: 'predict',
      level: 'intermediate',
      question: 'A hash is scanned for its field names only. What does HSCAN … NOVALUES reply?',
      setup: ['HSET {ns}h a 1 b 2'],
      commands: ['HSCAN {ns}h 0 NOVALUES'],
      answer: '(error) ERR syntax error',
      answerOn: [
        { server: 'Redis 7.4', answer: '1) "0" 2) 1) "a" 2) "b"' },
        { server: 'Redis 8', answer: '1) "0" 2) 1) "a" 2) "b"' },
        { server: 'Valkey', answer: '1) "0" 2) 1) "a" 2) "b"' },
      ],
      explanation:
        'Not every change after the fork is one-sided: HSCAN NOVALUES was merged into Redis for 7.4 and Valkey took it ' +
        'into 8.0, so Redis 8 and Valkey 8 both return the cursor and the field names only. Redis 7.0 rejects the option ' +
        'with a syntax error. Checking the release notes of both projects is part of any upgrade or migration.',
      proof: ['HSET {ns}h a 1 b 2', 'HSCAN {ns}h 0'],
      versions: 'Redis 7.4+ · Valkey 8.0+',
    },
    {
      id: 'ecosystem-waitaof',
      kind: 'predict',
      level: 'advanced',
      question:
        'With the default configuration (AOF off, no replicas), a client waits for its writes to reach 0 local AOFs and 0 replicas, for at most 100 ms. What does WAITAOF reply?',
      commands: ['WAITAOF 0 0 100'],
      answer: "(error) ERR unknown command 'WAITAOF'",
      answerOn: [
        { server: 'Redis 7.2', answer: '1) (integer) 0 2) (integer) 0' },
        { server: 'Redis 7.4', answer: '1) (integer) 0 2) (integer) 0' },
        { server: 'Redis 8', answer: '1) (integer) 0 2) (integer) 0' },
        { server: 'Valkey', answer: '1) (integer) 0 2) (integer) 0' },
      ],
      explanation:
        'WAITAOF came with Redis 7.2, so it is on both sides of the fork: Redis 7.2+ and every Valkey reply with two ' +
        'counts, the local AOFs (0 or 1) and the replicas that fsynced the client’s writes; asking for 0 and 0 returns at ' +
        'once. Redis 7.0 does not know the command. Everything up to 7.2.4 — functions, sharded pub/sub, ACL selectors, ' +
        'WAITAOF, listpack sets — is common ground for Redis and Valkey.',
      versions: 'Redis 7.2+ · Valkey 7.2+',
    },
    {
      id: 'ecosystem-script-show',
      kind: 'predict',
      level: 'advanced',
      question: 'A script is loaded, then its source is asked back by its SHA1. What does SCRIPT SHOW reply?',
      setup: ['SCRIPT LOAD "return 1"'],
      commands: [`SCRIPT SHOW ${RETURN_1_SHA}`],
      answer: "(error) ERR unknown subcommand 'SHOW'",
      answerOn: [{ server: 'Valkey', answer: '"return 1"' }],
      explanation:
        'SCRIPT SHOW is a Valkey addition (8.0): it returns the source of a cached script, handy when an application ' +
        'calls EVALSHA with a SHA1 nobody can match to code. Redis has no equivalent, so Redis 7 and 8 reply ERR unknown ' +
        'subcommand. Other Valkey-only features: COMMANDLOG (8.1, slow commands plus large requests and replies) and ' +
        'lazy freeing on by default (8.0).',
      proof: ['SCRIPT LOAD "return 1"', `EVALSHA ${RETURN_1_SHA} 0`],
      versions: 'Redis 7.0–8.x: not available · Valkey 8.0+',
    },
    {
      id: 'ecosystem-io-threads-do-reads',
      kind: 'predict',
      level: 'advanced',
      question: 'The I/O threading settings are inspected. What does CONFIG GET io-threads-do-reads reply?',
      commands: ['CONFIG GET io-threads-do-reads'],
      answer: '1) "io-threads-do-reads" 2) "no"',
      answerOn: [
        { server: 'Redis 8', answer: '(empty array)' },
        { server: 'Valkey', answer: '(empty array)' },
      ],
      explanation:
        'On Redis 6.x–7.x, I/O threads write replies and, only with io-threads-do-reads yes, also read and parse requests. ' +
        'Redis 8.0 replaced that synchronous scheme with asynchronous, event-driven I/O threads: each client is handled by ' +
        'one I/O thread that reads, parses and writes, while the main thread executes commands. Valkey reworked its I/O ' +
        'threads in 8.0 as well. Redis 8 and Valkey 8.1 no longer have the setting: a config file may still contain it, ' +
        'but it is ignored and CONFIG GET returns an empty array.',
      proof: ['CONFIG GET io-threads', 'INFO threads'],
      versions: 'Redis 6.0–7.x (gone in Redis 8.0 and Valkey 8.1)',
    },
    {
      id: 'ecosystem-redis-stack',
      kind: 'choice',
      level: 'intermediate',
      question: 'How do Redis Stack and Redis 8 relate? (Pick all that apply.)',
      options: [
        {
          text: 'Redis Stack was a separate distribution of Redis with RediSearch, RedisJSON, RedisTimeSeries and RedisBloom preloaded (plus RedisInsight)',
          correct: true,
          why: 'It packaged the modules (licensed RSALv2/SSPLv1) with the Redis server in one download.',
        },
        {
          text: 'Redis 8 (Redis Open Source) includes the Query Engine, JSON, time series and the five probabilistic types in its binary distributions, so Redis Stack is no longer needed',
          correct: true,
          why: 'The 8.0 release notes say so and deprecate the previous Redis and Redis Stack versions.',
        },
        {
          text: 'Valkey 8 runs Redis Stack modules out of the box',
          correct: false,
          why: 'Valkey ships without them; it has its own modules (for JSON, Bloom filters and search) installed separately.',
        },
        {
          text: 'Redis Stack is another name for Redis Cluster',
          correct: false,
          why: 'Cluster is a deployment mode; Stack was a bundle of modules.',
        },
      ],
      explanation:
        'Before 8.0, JSON documents, secondary indexes and full-text or vector search, time series and Bloom filters ' +
        'meant loading modules or running Redis Stack. Redis 8 made them part of Redis Open Source (a build from source ' +
        'needs the documented flags to include them), and a stock Redis 8 answers JSON.SET or FT.SEARCH when built ' +
        'that way. On any server, check MODULE LIST or COMMAND INFO before relying on them.',
      proof: ['MODULE LIST', 'COMMAND INFO JSON.SET'],
      versions: 'Redis 8.0+ (Redis Stack for 6.2–7.4)',
    },
    {
      id: 'ecosystem-portable-getdel',
      kind: 'command',
      level: 'intermediate',
      question:
        'Your code must run on Redis 7.0 and Valkey 8, which have no HGETDEL. Read the field `code` of `{ns}otp` and delete it, atomically.',
      setup: ['HSET {ns}otp code 123456 user 7'],
      check: all(
        hashLacks('otp', 'code'),
        learnerReply(
          'a transaction or script that returned the code',
          (reply, args) =>
            ['EXEC', 'EVAL', 'EVALSHA', 'FCALL'].includes(String(args[0]).toUpperCase()) && JSON.stringify(reply).includes('123456'),
        ),
      ),
      answer: ['MULTI', 'HGET {ns}otp code', 'HDEL {ns}otp code', 'EXEC'],
      wrong: ['HGET {ns}otp code', 'HDEL {ns}otp code'],
      explanation:
        'Two separate commands leave a window in which another client can read the same one-time code. MULTI/EXEC queues ' +
        'HGET and HDEL and runs them back to back, so exactly one caller gets the code; a Lua script does the same. On ' +
        'Redis 8 `HGETDEL {ns}otp FIELDS 1 code` does it in one command, but code that must also run on Redis 7.x or ' +
        'Valkey 8 cannot rely on it.',
      proof: ['HSET {ns}otp code 123456', 'MULTI', 'HGET {ns}otp code', 'HDEL {ns}otp code', 'EXEC'],
      versions: 'Redis 2.6+ · Valkey 7.2+',
    },
    {
      id: 'ecosystem-other-engines',
      kind: 'choice',
      level: 'advanced',
      question: 'Besides Valkey, which statements about other Redis-compatible servers are correct? (Pick all that apply.)',
      options: [
        {
          text: 'KeyDB is a multithreaded fork of Redis, BSD-licensed, developed by Snap after it acquired the KeyDB company',
          correct: true,
          why: 'It runs the event loop on several threads and added features such as active replication (multi-primary).',
        },
        {
          text: 'Dragonfly is not a fork: it was written from scratch in C++ with a multi-threaded, shared-nothing design, and is licensed under BSL 1.1',
          correct: true,
          why: 'It implements the Redis and Memcached protocols on its own engine; its BSL terms restrict offering it as a managed service until the code converts to Apache 2.0.',
        },
        {
          text: 'Garnet, from Microsoft Research, is written in C# on .NET, speaks RESP and is MIT-licensed',
          correct: true,
          why: 'It was open-sourced in March 2024 and builds its storage on Microsoft’s FASTER.',
        },
        {
          text: 'All of them support every Redis 8 command, modules included',
          correct: false,
          why: 'Each implements its own subset; check the commands you use (and Lua, cluster, persistence behaviour) before switching.',
        },
      ],
      explanation:
        'Redis compatibility usually means the RESP protocol and a large part of the command set, not identical behaviour. ' +
        'KeyDB stays close to the Redis code base it forked; Dragonfly and Garnet are new engines that chose different ' +
        'threading and storage designs for throughput on many cores. Licences differ too (BSD, BSL, MIT), which matters ' +
        'for the same reasons as Redis’s own change. Test your real workload, including the commands and edge cases you ' +
        'rely on, before claiming a drop-in replacement.',
      versions: 'Redis 7.x command level (KeyDB, Dragonfly, Garnet as of 2025)',
    },
    {
      id: 'ecosystem-choose',
      kind: 'open',
      level: 'advanced',
      question:
        'Your team starts a new service and must pick Redis 8 or Valkey 8 (self-hosted or managed). What do you weigh, and how do you keep the choice reversible?',
      keyPoints: [
        'Licence: Valkey is BSD; Redis 8 is RSALv2/SSPLv1/AGPLv3 — fine for an application, a constraint only when offering the server itself as a service',
        'Features actually needed: Redis 8 has hash field TTL, HGETEX/HSETEX/HGETDEL, vector sets, JSON and the Query Engine built in; Valkey has SET IFEQ (8.1), COMMANDLOG, its own modules, and memory gains from its new hash table',
        'Where it runs: which managed services offer which server and version, and who supports it',
        'Stay on the common ground (Redis 7.2 commands, RESP) unless a newer feature is worth the lock-in; detect features with COMMAND INFO, not redis_version',
        'Migration: moving data between them is not always a plain RDB copy (newer Redis RDB versions are not readable by Valkey 8), so plan replication or a logical copy and test it',
      ],
      explanation:
        'Both servers are fast and speak the same protocol, so most clients work with either. The decision is about ' +
        'licence terms, the features you need beyond 7.2, and operations (managed offerings, support, upgrade cadence). ' +
        'Keeping to the shared 7.2 command set, probing for optional commands, and rehearsing a migration keep the ' +
        'choice reversible. A good answer names concrete features on each side and does not treat the licence as ' +
        'relevant to an ordinary application that only uses the server.',
      versions: 'Redis 8.0+ · Valkey 8.0+',
    },
  ],
};

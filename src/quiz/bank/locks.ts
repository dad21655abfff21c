// Quiz topic "locks": SET NX PX with tokens, safe release and extension, lease expiry, fencing, Redlock, semaphores, leaders, idempotency.
import { all, learnerUsed, notExists, stringEquals, ttlBetween } from '../../engine/checks.js';
import type { Topic } from '../types.js';

// Compare-and-delete and compare-and-extend: the owner check and the write must be one atomic step.
const RELEASE = `EVAL "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end" 1`;
const EXTEND = `EVAL "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end" 1`;

export const topic: Topic = {
  id: 'locks',
  title: 'Distributed locks and coordination',
  intro:
    'Redis is a popular home for locks, leases and leader election because `SET … NX PX` is atomic and fast. ' +
    'Interviewers look for the details that separate a working lock from a dangerous one: a unique token per holder, ' +
    'an owner check on release and extension, what happens when the work outlives the lock, fencing tokens, the ' +
    'limits of Redlock, and idempotency keys that do not get stuck.',
  questions: [
    {
      id: 'locks-acquire',
      kind: 'choice',
      level: 'beginner',
      versions: 'Redis 2.6.12+ · Valkey 7.2+',
      question: 'Which command acquires a lock on order 1 correctly?',
      options: [
        {
          text: '`SET lock:order:1 8f3c2a71 NX PX 30000` (the value is a random token)',
          correct: true,
          why: 'One atomic command: the key is created only if absent, it expires by itself if the holder dies, and the value identifies this holder.',
        },
        {
          text: '`SETNX lock:order:1 1` followed by `EXPIRE lock:order:1 30`',
          correct: false,
          why: 'Two commands: a crash between them leaves a lock that never expires, and the value 1 cannot tell holders apart.',
        },
        {
          text: '`SET lock:order:1 8f3c2a71 PX 30000`',
          correct: false,
          why: 'Without NX it overwrites a lock someone else holds.',
        },
        {
          text: '`INCR lock:order:1` and proceed when the reply is 1',
          correct: false,
          why: 'It does pick a single winner, but there is no expiry (a crashed holder blocks everyone forever) and no owner identity for the release.',
        },
      ],
      explanation:
        'SET accepts NX and PX together, so acquiring is one atomic command: the key appears only if nobody holds the ' +
        'lock, and it disappears on its own if the holder dies. The value should be a random token unique to this ' +
        'acquisition so the holder can later prove ownership. A (nil) reply means someone else holds the lock: retry ' +
        'with backoff and jitter, or give up.',
      proof: ['SET {ns}lock:order:1 8f3c2a71 NX PX 30000', 'SET {ns}lock:order:1 77d01b9e NX PX 30000'],
    },
    {
      id: 'locks-why-token',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 2.6.12+ · Valkey 7.2+ (DELEX: Redis 8.4+; DELIFEQ: Valkey 9.0+)',
      question: 'Why must the lock value be a token unique to each acquisition, and why must the release check it?',
      options: [
        {
          text: 'If your lock expired while you were still working and another client took it, a blind DEL would remove their lock',
          correct: true,
          why: 'Comparing the stored token with yours before deleting means a late release deletes nothing that is not yours.',
        },
        {
          text: 'Redis refuses SET NX unless the value is unique',
          correct: false,
          why: 'Redis puts no rule on the value; uniqueness is for your own release logic.',
        },
        {
          text: 'The token makes the lock expire at the right moment',
          correct: false,
          why: 'The expiry comes from PX or EX; the value plays no part in it.',
        },
        {
          text: 'It lets Redis queue waiting clients in order',
          correct: false,
          why: 'Redis keeps no queue of lock waiters; waiting and retrying are up to the clients.',
        },
      ],
      explanation:
        'The failure goes like this: A takes the lock for 10 s, stalls for 12 s (GC pause, slow query), the key expires, ' +
        'B takes the lock, then A finishes and runs DEL, so C can enter while B is still working. Releasing with ' +
        "compare-and-delete (GET equals my token, then DEL, inside one Lua script) makes A's late release harmless. " +
        'Redis 8.4 adds `DELEX key IFEQ token` and Valkey 9.0 `DELIFEQ key token` for the same job; on Redis 7.x and Valkey 8 the script is the standard answer.',
    },
    {
      id: 'locks-compare-delete',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 2.6.12+ · Valkey 7.2+',
      question:
        'Client A (token `tokA`) finished late: its lock expired and client B now holds it with token `tokB`. A runs the ' +
        'compare-and-delete script. What does it reply?',
      setup: ['SET {ns}lock:order:1 tokB PX 30000'],
      commands: [`${RELEASE} {ns}lock:order:1 tokA`],
      answer: '(integer) 0',
      explanation:
        "The script compares the stored value with A's token; they differ, so nothing is deleted and it returns 0: B's " +
        'lock survives. A script runs atomically, so no other command can run between its GET and its DEL, which is ' +
        'exactly the gap a client-side GET followed by DEL would leave open.',
      proof: ['SET {ns}lock:order:1 tokB PX 30000', `${RELEASE} {ns}lock:order:1 tokA`, 'GET {ns}lock:order:1'],
    },
    {
      id: 'locks-release-safely',
      kind: 'command',
      level: 'intermediate',
      versions: 'Redis 2.6.12+ · Valkey 7.2+',
      question:
        'You hold `{ns}lock:invoice:9` with token `tok-7f3a`. Release it safely: delete it only if it still holds your ' +
        'token, in one atomic step (Redis 7 and Valkey 8 have no single command for this, so use a script).',
      setup: ['SET {ns}lock:invoice:9 tok-7f3a PX 60000'],
      check: all(notExists('lock:invoice:9'), learnerUsed('EVAL', 'EVALSHA', 'FCALL')),
      answer: [`${RELEASE} {ns}lock:invoice:9 tok-7f3a`],
      wrong: ['DEL {ns}lock:invoice:9'],
      explanation:
        'A plain DEL removes the key whoever holds it. The Lua script checks the value and deletes in one atomic step; ' +
        'pass the key through KEYS and the token through ARGV so it works with ACL key patterns and Redis Cluster, and ' +
        'load it once with SCRIPT LOAD to call it by EVALSHA. Redis 8.4 adds `DELEX key IFEQ value` for the same job (Valkey 9.0: `DELIFEQ key value`).',
      proof: [`${RELEASE} {ns}lock:invoice:9 tok-7f3a`],
    },
    {
      id: 'locks-extend-owned',
      kind: 'command',
      level: 'advanced',
      versions: 'Redis 2.6.12+ · Valkey 7.2+',
      question:
        'Your job holds `{ns}lock:report` with token `tok-1` and about 5 seconds left, but needs more time. Extend the ' +
        'lock to 30 seconds, only if it is still yours.',
      setup: ['SET {ns}lock:report tok-1 PX 5000'],
      check: all(stringEquals('lock:report', 'tok-1'), ttlBetween('lock:report', 20, 30), learnerUsed('EVAL', 'EVALSHA', 'FCALL')),
      answer: [`${EXTEND} {ns}lock:report tok-1 30000`],
      wrong: ['PEXPIRE {ns}lock:report 30000'],
      explanation:
        'A blind PEXPIRE extends whoever holds the lock now, which may be another client if yours already expired. ' +
        'Extension (the watchdog some libraries run every third of the TTL) must compare the token and set the expiry ' +
        'atomically, just like release. If the script returns 0 the lock is lost: stop working and do not write results.',
      proof: [`${EXTEND} {ns}lock:report tok-1 30000`, 'PTTL {ns}lock:report'],
    },
    {
      id: 'locks-expiry-vs-work',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 2.6.12+ · Valkey 7.2+',
      question:
        'A job takes a 10-second lock, then a 15-second stop-the-world GC pause hits it. Release is token-checked. What ' +
        'can still go wrong? (Pick all that apply.)',
      options: [
        {
          text: 'Another worker acquires the expired lock, and both run the critical section at the same time',
          correct: true,
          why: "The token check protects the other holder's key, not the work: the paused process resumes in the middle of its critical section.",
        },
        {
          text: 'The paused worker writes stale results after it resumes, unless the storage rejects them',
          correct: true,
          why: 'That is what fencing tokens are for: the resource refuses writes from an older lock grant.',
        },
        {
          text: 'Nothing: the token check makes the lock safe',
          correct: false,
          why: "It only prevents deleting someone else's lock; it cannot stop overlapping work.",
        },
        {
          text: 'Redis keeps extending the TTL while the client stays connected',
          correct: false,
          why: 'Redis never extends a TTL by itself. Client libraries may renew it, but a paused process cannot renew anything.',
        },
      ],
      explanation:
        'A TTL lock is a lease: it guarantees the key goes away, not that the holder has stopped. GC pauses, swapping or ' +
        'a slow network can make a holder outlive its lease without knowing. Pick TTLs well above the worst-case job time, ' +
        'renew with a token-checked PEXPIRE, check ownership before committing, and use fencing tokens where overlapping ' +
        'work would corrupt data.',
    },
    {
      id: 'locks-fencing-token',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 2.6.12+ · Valkey 7.2+',
      question: 'What is a fencing token, and who checks it?',
      options: [
        {
          text: 'A number that grows with every lock grant (e.g. from `INCR fence:order:1`); the storage being written rejects writes carrying a smaller number than one it has already seen',
          correct: true,
          why: 'A holder whose lease expired carries an old number, so its late writes bounce off the resource.',
        },
        {
          text: 'The random lock value, which Redis checks on DEL',
          correct: false,
          why: 'That is the owner token; DEL checks nothing, and a random value has no order to compare.',
        },
        {
          text: 'A firewall rule that blocks the previous lock holder',
          correct: false,
          why: 'Fencing is a property of the data writes, not of the network.',
        },
        {
          text: 'A second copy of the lock on another Redis node',
          correct: false,
          why: 'That is the quorum idea behind Redlock, which produces no fencing token.',
        },
      ],
      explanation:
        'With fencing, each grant gets a monotonically increasing number: INCR a counter in the same script that sets ' +
        'the lock. The client sends the number with every write, and the resource (a row with a version column, a ' +
        'storage service) refuses numbers lower than the highest it has seen. Then a holder that wakes up after its ' +
        'lease expired cannot overwrite newer work. The check must live in the resource; Redis alone cannot enforce it.',
      proof: ['SET {ns}lock:order:1 8f3c2a71 NX PX 30000', 'INCR {ns}fence:order:1'],
    },
    {
      id: 'locks-redlock',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 2.6.12+ · Valkey 7.2+',
      question: 'Which statements about Redlock are accurate? (Pick all that apply.)',
      options: [
        {
          text: 'It sets the same key with the same random value on N independent primaries (typically 5) and counts the lock as held only with a majority, acquired in less time than the TTL',
          correct: true,
          why: 'That is the algorithm from the Redis documentation; the usable lock time is the TTL minus the time spent acquiring and a clock-drift allowance.',
        },
        {
          text: 'Martin Kleppmann argued it depends on bounded network delay, process pauses and clock drift, and gives no fencing token, so it is unsafe where correctness depends on mutual exclusion',
          correct: true,
          why: 'His 2016 analysis is the standard critique; Salvatore Sanfilippo published a rebuttal of parts of it.',
        },
        {
          text: 'A single Redis instance with `SET NX PX` is usually enough when the lock only avoids duplicate work',
          correct: true,
          why: 'For efficiency locks, a rare double execution is acceptable, so one instance (with its failover caveats) is fine.',
        },
        {
          text: 'It runs on one primary and its replicas and relies on replication to copy the lock',
          correct: false,
          why: 'Replication is asynchronous: a failover can lose a lock that was just granted and let a second client in. Redlock uses independent nodes precisely to avoid that.',
        },
      ],
      explanation:
        'Redlock takes the lock on a majority of independent Redis primaries and treats it as valid for the TTL minus ' +
        'the time taken and a drift allowance. Its safety rests on timing assumptions, which is the core of the critique. ' +
        'The practical answer in an interview: one Redis is fine for efficiency locks; for correctness, use fencing ' +
        'tokens checked by the resource, or a consensus system (ZooKeeper, etcd) or database constraints.',
    },
    {
      id: 'locks-semaphore',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 5.0+ · Valkey 7.2+',
      question:
        'At most 5 calls to a partner API may run at once across all your servers, and holders can crash. Which Redis ' +
        'designs work? (Pick all that apply.)',
      options: [
        {
          text: 'A sorted set of holder ids scored by acquire time: one Lua script drops holders older than the lease, adds yours if ZCARD is below 5, and says whether you got in; release with ZREM',
          correct: true,
          why: 'Each holder has its own lease, so crashed holders age out, and the script makes check-and-add atomic.',
        },
        {
          text: 'Five lock keys `sem:1` … `sem:5`, each taken with `SET NX PX` and a token; try them until one succeeds',
          correct: true,
          why: 'Each slot is an ordinary lease with expiry and owner check. It costs up to five round trips (or one script).',
        },
        {
          text: 'A counter: INCR to acquire (give up above 5), DECR to release',
          correct: false,
          why: 'A holder that crashes never decrements, so slots leak until the counter is stuck at the limit.',
        },
        {
          text: 'A list with 5 tokens: BLPOP to acquire, RPUSH to release',
          correct: false,
          why: 'Blocking and fair, but a crashed holder never pushes its token back, so capacity shrinks unless you add leases and a reaper.',
        },
      ],
      explanation:
        'A counting semaphore needs a lease per holder so crashes give slots back. The sorted-set version stores each ' +
        'holder with its acquire time, purges stale ones with ZREMRANGEBYSCORE and admits a newcomer only while ZCARD is ' +
        'below the limit, all in one script so two clients cannot both take the last slot. Take the time from ' +
        "`redis.call('TIME')` inside the script so clock skew between app servers does not matter.",
      proof: [
        'ZREMRANGEBYSCORE {ns}sem:partner -inf 1767225570000',
        'ZCARD {ns}sem:partner',
        'ZADD {ns}sem:partner 1767225600000 worker-7',
      ],
    },
    {
      id: 'locks-leader-election',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 2.6.12+ · Valkey 7.2+',
      question:
        'Scheduler instances elect a leader with `SET leader:scheduler <id> NX PX 10000` and the leader renews every 3 ' +
        'seconds. The leader loses its network for 12 seconds. What should happen?',
      options: [
        {
          text: 'The key expires, another instance becomes leader, and the old leader stops acting as leader once it cannot renew in time',
          correct: true,
          why: 'Leadership is a lease; a leader that cannot renew must assume it lost the lease before the TTL runs out.',
        },
        {
          text: 'The old leader stays leader until it reconnects, because the key holds its id',
          correct: false,
          why: 'Expiry does not care about connections: after 10 seconds the key is gone and anyone can take it.',
        },
        {
          text: 'Redis notifies the old leader that it lost leadership',
          correct: false,
          why: 'Redis sends nothing; the old leader learns it on its next renewal, when the token check fails.',
        },
        {
          text: 'No one can become leader until somebody deletes the key',
          correct: false,
          why: 'The PX expiry frees the key by itself; that is the point of using a lease.',
        },
      ],
      explanation:
        'Leader election on Redis is a renewed lease: the leader refreshes its key with a token-checked PEXPIRE and the ' +
        'others retry SET NX periodically. During a partition two nodes may both believe they lead for a moment, so the ' +
        'leader should stop working well before its TTL if renewals fail, and each term can carry a fencing number ' +
        '(INCR) when two leaders at once would corrupt data.',
      proof: ['SET {ns}leader:scheduler node-a NX PX 10000', 'GET {ns}leader:scheduler'],
    },
    {
      id: 'locks-idempotency-stuck',
      kind: 'open',
      level: 'intermediate',
      versions: 'Redis 2.6.12+ · Valkey 7.2+',
      question:
        'An API stores idempotency keys with `SET idem:<key> processing NX EX 3600` and answers 409 "already processed" ' +
        'whenever that SET fails. What goes wrong, and how would you design it instead?',
      keyPoints: [
        'If the worker crashes after the SET, the key says "processing" for an hour: every retry of a request that never completed is refused.',
        'It cannot tell "still running" from "done", so it cannot replay the original response to a retry.',
        'Use a short lease for the processing state (e.g. 30 s with a unique token, renewed while working).',
        'On success, replace the value with the stored response (status and body) and a long TTL, only if your token still holds the key (compare-and-set in Lua).',
        'On failure, delete the key with a token check so the retry can run; while processing, answer "in progress" (409 or 425 with Retry-After), and once done, replay the saved response.',
        'Store a fingerprint of the request with the key and reject reuse of the same key with a different payload.',
      ],
      explanation:
        'Idempotency keys must outlive retries but not crashes. The pattern above conflates "in progress" with "finished" ' +
        'and gives "in progress" a one-hour life. The robust version is a small state machine in one key: a short, ' +
        'renewable lease while processing, then the saved response with a long TTL; failures release the key so the ' +
        "client's retry can succeed.",
      proof: ['SET {ns}idem:9b1c processing:tok-4 NX EX 30', 'SET {ns}idem:9b1c \'{"status":201,"body":{"id":42}}\' XX EX 86400'],
    },
    {
      id: 'locks-when-not-redis',
      kind: 'open',
      level: 'advanced',
      versions: 'Redis 3.0+ · Valkey 7.2+',
      question: 'When would you not use a Redis lock, and what would you use instead?',
      keyPoints: [
        'When overlapping holders would corrupt data (money, inventory) and the protected resource cannot check fencing tokens.',
        'Redis replication is asynchronous: after a failover a freshly granted lock can vanish, and WAIT only narrows that window.',
        'Database-level tools: a unique constraint, SELECT … FOR UPDATE, or optimistic concurrency with a version column.',
        'Consensus systems (ZooKeeper, etcd) for leases with sessions and monotonically increasing revision numbers usable as fencing tokens.',
        'Often the lock can be avoided entirely: a single atomic Redis command or Lua script, or partitioning work so one worker owns each key.',
      ],
      explanation:
        'Redis locks are leases with timing assumptions and an asynchronously replicated store behind them. That is ' +
        'fine for efficiency (avoiding duplicate work) and needs fencing for correctness. When the data lives in a ' +
        'database, its own locking or constraints are usually the simpler and safer tool.',
    },
  ],
};

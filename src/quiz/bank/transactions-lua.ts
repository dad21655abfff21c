// Quiz topic: MULTI/EXEC transactions, WATCH, Lua scripts and Redis 7 Functions.
import { all, learnerUsed, stringEquals, ttlBetween } from '../../engine/checks.js';
import type { Topic } from '../types.js';

export const topic: Topic = {
  id: 'transactions-lua',
  title: 'Transactions, Lua and Functions',
  intro:
    'Redis offers three ways to make several operations behave as one: MULTI/EXEC queues commands and runs them without ' +
    'interleaving, WATCH adds optimistic concurrency control, and Lua (EVAL, or Functions since Redis 7.0) runs logic ' +
    'atomically on the server. None of them rolls back. Interviewers test the error semantics, when each tool fits, and ' +
    'the operational risk of a script that runs too long.',
  questions: [
    {
      id: 'transactions-lua-no-rollback',
      kind: 'choice',
      level: 'beginner',
      versions: 'Redis 2.6+ · Valkey 7.2+',
      question: 'Inside MULTI/EXEC, the second of three commands fails at run time with WRONGTYPE. What happens to the first and third?',
      options: [
        {
          text: 'Both are executed; EXEC returns their replies plus the error for the second',
          correct: true,
          why: 'Redis transactions have no rollback: each queued command runs, errors are reported per command.',
        },
        {
          text: 'The first is rolled back and the third is skipped',
          correct: false,
          why: 'Redis never undoes a command that already ran.',
        },
        {
          text: 'EXEC fails and nothing is applied',
          correct: false,
          why: 'That only happens for errors detected while queueing (syntax, unknown command).',
        },
      ],
      explanation:
        'MULTI/EXEC guarantees isolation (no other client runs in between) and all-or-nothing execution only in the sense ' +
        'that the queue either runs or is discarded. Run-time errors such as WRONGTYPE do not stop the other commands, so ' +
        'validate inputs or use a Lua script that checks before writing.',
      proof: ['HSET {ns}somehash f v', 'MULTI', 'SET {ns}a 1', 'INCR {ns}somehash', 'SET {ns}b 2', 'EXEC'],
    },
    {
      id: 'transactions-lua-queue-errors',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 2.6.5+ · Valkey 7.2+',
      question: 'While queueing a transaction, one command has the wrong number of arguments. What happens at EXEC?',
      options: [
        {
          text: 'EXEC refuses to run anything and replies EXECABORT',
          correct: true,
          why: 'Since Redis 2.6.5 an error during queueing marks the transaction as failed.',
        },
        {
          text: 'The valid commands run and the bad one is skipped',
          correct: false,
          why: 'That is the behaviour for run-time errors, not queue-time errors.',
        },
        {
          text: 'The bad command is retried at EXEC',
          correct: false,
          why: 'Redis rejected it when it was queued; it is never run.',
        },
      ],
      explanation:
        'Redis checks the command name and arity when queueing, so those mistakes abort the whole transaction. Type errors ' +
        'can only be detected when the command runs, and those do not abort. Knowing which errors fall where is the core of ' +
        'this interview question.',
    },
    {
      id: 'transactions-lua-watch',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 2.2+ · Valkey 7.2+',
      question: 'What does WATCH do in a check-and-set transaction?',
      options: [
        {
          text: 'If any watched key changes before EXEC, EXEC returns a null reply and runs nothing; the client retries',
          correct: true,
          why: 'Optimistic locking: no lock is held, conflicts are detected at commit.',
        },
        {
          text: 'It locks the key so other clients block until EXEC',
          correct: false,
          why: 'Other clients are never blocked by WATCH.',
        },
        {
          text: 'It streams changes of the key to the client',
          correct: false,
          why: 'That is keyspace notifications or client-side caching, not WATCH.',
        },
      ],
      explanation:
        'The pattern is WATCH key, read it, compute, MULTI, write, EXEC, and retry when EXEC returns null. It works well ' +
        'under low contention; under heavy contention retries pile up and a Lua script is usually better. EXEC, DISCARD and ' +
        'UNWATCH clear the watched keys.',
      proof: ['WATCH {ns}balance', 'GET {ns}balance', 'MULTI', 'SET {ns}balance 90', 'EXEC'],
    },
    {
      id: 'transactions-lua-script-atomicity',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 7.0+ · Valkey 7.2+ (the same 5 s limit was lua-time-limit since 2.6)',
      question: 'What do other clients experience while a Lua script runs via EVAL? (pick all that apply)',
      options: [
        {
          text: 'No other command runs until the script finishes, so the script is atomic',
          correct: true,
          why: 'Scripts run on the main thread like any command.',
        },
        {
          text: 'If it runs longer than busy-reply-threshold (5 s by default), other clients get BUSY errors',
          correct: true,
          why: 'The server stays unavailable for normal commands; it only accepts SCRIPT KILL (FUNCTION KILL for a function) or SHUTDOWN NOSAVE.',
        },
        {
          text: 'The script runs on a separate thread so other clients are unaffected',
          correct: false,
          why: 'There is no separate scripting thread.',
        },
        {
          text: 'If the script raises an error, its earlier writes are undone',
          correct: false,
          why: 'Scripts have no rollback either; writes made before the error stay.',
        },
      ],
      explanation:
        'A script is atomic because it blocks the server, which also makes a slow script an outage. busy-reply-threshold ' +
        '(called lua-time-limit before 7.0) does not stop the script; it only starts answering BUSY to others. Keep scripts ' +
        'short and bounded.',
      proof: ['CONFIG GET busy-reply-threshold'],
    },
    {
      id: 'transactions-lua-declare-keys',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 6.0+ · Valkey 7.2+',
      question: 'Why should a Lua script receive every key it touches through KEYS instead of building key names inside the script?',
      options: [
        {
          text: 'Redis Cluster routes the script by its declared keys; an undeclared key may live on another node where the script cannot reach it',
          correct: true,
          why: 'Declared keys are also checked for being in a single slot.',
        },
        {
          text: 'ACLs can check the declared keys before the script starts, so a forbidden key fails the call before anything is written',
          correct: true,
          why: 'EVAL declares its keys like any command: a user without access to one gets NOPERM up front, not half-way through.',
        },
        {
          text: 'ACL key permissions can only see declared keys, so an undeclared key escapes them',
          correct: false,
          why: 'ACLs also check every redis.call at run time, declared or not: an undeclared key the user may not touch fails mid-script.',
        },
        {
          text: 'Lua cannot concatenate strings',
          correct: false,
          why: 'It can (the .. operator); the rule is about routing and safety, not the language.',
        },
      ],
      explanation:
        'The KEYS array is how Redis knows in advance what a script will touch: Cluster routes the script and checks its keys ' +
        'share a slot, and ACLs check the declared keys before it starts (each redis.call is still checked as it runs). ' +
        'Values and options go in ARGV. A script that works on a standalone server can break after ' +
        'a move to Cluster if it builds key names itself.',
      proof: ['EVAL "return redis.call(\'GET\', KEYS[1])" 1 {ns}user:1'],
    },
    {
      id: 'transactions-lua-functions',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question: 'How do Redis 7 Functions differ from EVAL scripts? (pick all that apply)',
      options: [
        {
          text: 'They are loaded as named libraries with FUNCTION LOAD and called by name with FCALL',
          correct: true,
          why: 'No SHA1 juggling; the server owns the code.',
        },
        {
          text: 'They are persisted in RDB/AOF and replicated, unlike the script cache',
          correct: true,
          why: 'The script cache can vanish after a restart or failover, so EVALSHA may get NOSCRIPT; functions stay.',
        },
        {
          text: 'They run in parallel with other commands',
          correct: false,
          why: 'Functions block the server exactly like scripts.',
        },
        {
          text: 'They do not need to declare the keys they use',
          correct: false,
          why: 'FCALL takes numkeys and keys just like EVAL, for the same reasons.',
        },
      ],
      explanation:
        'Functions (Redis 7.0+) treat server-side code as part of the database: loaded once, persisted, replicated, and ' +
        'callable by name from every client. They keep the same atomicity and the same blocking risk as EVAL scripts.',
      proof: [
        "FUNCTION LOAD REPLACE \"#!lua name=mylib\\nredis.register_function('hello', function(keys, args) return 'hi ' .. args[1] end)\"",
        'FCALL hello 0 Ada',
      ],
    },
    {
      id: 'transactions-lua-unkillable',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 2.6+ · Valkey 7.2+',
      question: 'A script wrote a key and then entered an infinite loop. Other clients get BUSY. What can you do?',
      options: [
        {
          text: 'Only SHUTDOWN NOSAVE: SCRIPT KILL refuses (UNKILLABLE) because the script already wrote',
          correct: true,
          why: 'Killing it would leave half of an atomic operation applied.',
        },
        {
          text: 'SCRIPT KILL, which stops it and undoes its writes',
          correct: false,
          why: 'There is no undo; SCRIPT KILL only works on scripts that have not written.',
        },
        {
          text: 'Wait: Redis kills scripts automatically after 5 seconds',
          correct: false,
          why: 'After the threshold Redis only starts answering BUSY; the script keeps running.',
        },
      ],
      explanation:
        'SCRIPT KILL (or FUNCTION KILL for functions, 7.0+) stops a script that has not written anything yet. Once it has written, ' +
        'stopping it would break atomicity, so the only way out is SHUTDOWN NOSAVE, losing data since the last save. ' +
        'Read-only scripts (EVAL_RO or the no-writes flag, 7.0+) can always be killed.',
    },
    {
      id: 'transactions-lua-exec-partial',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 2.6+ · Valkey 7.2+',
      question: 'One queued command hits a key of the wrong type. What does EXEC reply?',
      setup: ['HSET {ns}user name Ada'],
      commands: ['MULTI', 'SET {ns}greeting hi', 'INCR {ns}user', 'EXEC'],
      answer: '1) OK 2) (error) WRONGTYPE Operation against a key holding the wrong kind of value',
      explanation:
        'Both commands were valid when queued, so EXEC runs them: SET succeeds and INCR fails on the hash. EXEC returns one ' +
        'reply per command, errors included, and the SET is not rolled back.',
    },
    {
      id: 'transactions-lua-execabort',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 2.6.5+ · Valkey 7.2+',
      question: 'A command with a missing argument is queued. What does EXEC reply?',
      commands: ['MULTI', 'SET {ns}a 1', 'INCRBY {ns}a', 'EXEC'],
      answer: '(error) EXECABORT Transaction discarded because of previous errors.',
      explanation:
        'INCRBY without an increment fails arity checking when it is queued (the client sees the error right away instead ' +
        'of QUEUED). The transaction is flagged, EXEC discards everything, and the SET never happens.',
    },
    {
      id: 'transactions-lua-watch-own-write',
      kind: 'predict',
      level: 'advanced',
      versions: 'Redis 2.2+ · Valkey 7.2+',
      question: 'A client watches a key and then modifies it itself before MULTI. What does EXEC reply?',
      setup: ['SET {ns}stock 5'],
      commands: ['WATCH {ns}stock', 'SET {ns}stock 4', 'MULTI', 'DECR {ns}stock', 'EXEC'],
      answer: '(nil)',
      explanation:
        'WATCH aborts the transaction if the key changed after WATCH, no matter which client changed it, including the ' +
        'watching client itself. EXEC returns a null reply and the DECR never runs, so stock stays 4.',
    },
    {
      id: 'transactions-lua-script-partial-write',
      kind: 'predict',
      level: 'advanced',
      versions: 'Redis 2.6+ · Valkey 7.2+',
      question: 'A script sets a key and then fails on the next call. What does the final GET reply?',
      commands: ["EVAL \"redis.call('SET', KEYS[1], 'draft') return redis.call('INCR', KEYS[1])\" 1 {ns}doc", 'GET {ns}doc'],
      answer: '"draft"',
      explanation:
        'The INCR raises an error that aborts the script, but the SET already happened and stays: scripts are atomic with ' +
        'respect to other clients, not transactional. Check preconditions before the first write, or use redis.pcall to ' +
        'handle errors inside the script.',
    },
    {
      id: 'transactions-lua-noscript',
      kind: 'predict',
      level: 'beginner',
      versions: 'Redis 2.6+ · Valkey 7.2+ (Valkey 8 shortens the message)',
      question: 'A client calls EVALSHA with a digest the server has never loaded. What is the reply?',
      commands: ['EVALSHA ffffffffffffffffffffffffffffffffffffffff 0'],
      answer: '(error) NOSCRIPT No matching script. Please use EVAL.',
      answerOn: [{ server: 'Valkey', answer: '(error) NOSCRIPT No matching script.' }],
      explanation:
        "EVALSHA only works for scripts in the server's cache (added by EVAL or SCRIPT LOAD); Valkey 8 words the error " +
        '"NOSCRIPT No matching script." (clients match the NOSCRIPT code, not the text). The cache is lost on restart, ' +
        'failover or SCRIPT FLUSH, so clients must catch NOSCRIPT and fall back to EVAL, which most libraries do for you. ' +
        'Functions (7.0+) avoid the problem because they are persisted.',
      proof: ['SCRIPT LOAD "return 1"', 'EVALSHA e0e1f9fabfc9d4800c877a703b823ac0578ff8db 0'],
    },
    {
      id: 'transactions-lua-transfer',
      kind: 'command',
      level: 'intermediate',
      versions: 'Redis 1.2+ · Valkey 7.2+',
      question:
        'Move 30 from `{ns}acct:a` to `{ns}acct:b` so that no other client can ever observe the money missing from both: use a transaction.',
      setup: ['SET {ns}acct:a 100', 'SET {ns}acct:b 0'],
      check: all(stringEquals('acct:a', '70'), stringEquals('acct:b', '30'), learnerUsed('EXEC', 'EVAL', 'EVALSHA', 'FCALL')),
      answer: ['MULTI', 'DECRBY {ns}acct:a 30', 'INCRBY {ns}acct:b 30', 'EXEC'],
      wrong: ['DECRBY {ns}acct:a 30', 'INCRBY {ns}acct:b 30'],
      explanation:
        'Two separate commands leave a moment where another client can read 70 and 0. MULTI/EXEC runs both without anything ' +
        'in between. To refuse overdrafts you also need to read the balance first: WATCH the key, or do the check and both ' +
        'writes in one Lua script.',
      proof: ['MULTI', 'DECRBY {ns}acct:a 30', 'INCRBY {ns}acct:b 30', 'EXEC'],
    },
    {
      id: 'transactions-lua-counter-with-ttl',
      kind: 'command',
      level: 'advanced',
      versions: 'Redis 2.6+ · Valkey 7.2+',
      question:
        'With a single EVAL, increment `{ns}hits` and, only when this increment created the counter, give it a 60-second TTL (the fixed-window rate limiter, without the INCR-then-EXPIRE race).',
      setup: [],
      check: all(stringEquals('hits', '1'), ttlBetween('hits', 55, 60), learnerUsed('EVAL', 'EVALSHA', 'FCALL')),
      answer: [
        "EVAL \"local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end return n\" 1 {ns}hits 60",
      ],
      wrong: ['INCR {ns}hits'],
      explanation:
        'Sending INCR and then EXPIRE as two commands can leave a counter without a TTL if the client dies in between, and ' +
        'that key then blocks the user forever. The script does both atomically. Since Redis 7.0, EXPIRE ... NX inside a ' +
        'MULTI is another way to get the same guarantee.',
      proof: [
        "EVAL \"local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end return n\" 1 {ns}hits 60",
      ],
    },
    {
      id: 'transactions-lua-choose-tool',
      kind: 'open',
      level: 'intermediate',
      versions: 'Redis 2.6+ · Valkey 7.2+',
      question: 'Compare MULTI/EXEC, WATCH + MULTI/EXEC and a Lua script (or Function). When do you pick each?',
      keyPoints: [
        'MULTI/EXEC: several writes applied together with no interleaving, when no decision depends on a read',
        'WATCH: read-modify-write with optimistic retries; fine at low contention, wasteful at high contention',
        'Lua / Functions: conditional logic on the server, one round trip, no retries; keep it short because it blocks',
        'None roll back; validate inputs first',
        'In Cluster all keys must be in one slot for any of them (hash tags)',
        'Functions (7.0+) when the logic is shared and should survive restarts and failovers',
      ],
      explanation:
        'The discriminating factor is whether the writes depend on values read inside the atomic section. Mentioning ' +
        'contention behaviour and the blocking risk of scripts makes the answer complete.',
    },
    {
      id: 'transactions-lua-lock-release',
      kind: 'open',
      level: 'advanced',
      versions: 'Redis 2.6.12+ · Valkey 7.2+',
      question: 'Implement a distributed lock with Redis. How do you acquire it, and why must release be a script?',
      keyPoints: [
        'Acquire: SET lock:res <random token> NX PX <ttl>, in one command so the lock cannot be left without expiry',
        'Release: a script that deletes the key only if its value is still your token (GET + compare + DEL atomically)',
        'A plain DEL can delete a lock another client acquired after yours expired',
        'Choose a TTL longer than the work, or extend it with a script while working (watchdog)',
        'Expiry-based locks are not safe for correctness on their own: use fencing tokens (INCR) checked by the resource',
        'Redlock across independent primaries is debated; know its assumptions about clocks and pauses',
      ],
      explanation:
        "The classic bug is releasing with GET then DEL, or DEL alone, which frees someone else's lock. The script makes " +
        'compare-and-delete atomic; fencing tokens handle the pauses that TTL-based locks cannot.',
    },
  ],
};

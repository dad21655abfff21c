// Quiz topic "security": network exposure, protected mode, AUTH and ACL users, TLS, dangerous commands, the Lua sandbox.
import { learnerReply } from '../../engine/checks.js';
import type { Topic } from '../types.js';

export const topic: Topic = {
  id: 'security',
  title: 'Securing Redis',
  intro:
    'Redis was designed for trusted networks, and an exposed, password-less instance is one of the most common ways ' +
    'servers get compromised. Interview questions go through the layers: who can reach the port (bind, protected mode, ' +
    'firewalls), who can log in (AUTH, ACL users since 6.0), what each login may do (command categories and key ' +
    'patterns), how traffic is protected (TLS since 6.0), and what Lua scripts can and cannot do.',
  questions: [
    {
      id: 'security-exposed-instance',
      kind: 'choice',
      level: 'beginner',
      versions: 'Redis 2.6+ · Valkey 7.2+',
      question:
        'A Redis server is reachable from the internet on port 6379, with no password and protected mode turned off. ' +
        'What can an attacker do? (Pick all that apply.)',
      options: [
        {
          text: 'Read, change and delete all data, e.g. with SCAN, GET and FLUSHALL',
          correct: true,
          why: 'Every client that connects is fully trusted when no authentication is configured.',
        },
        {
          text: 'On older versions, use `CONFIG SET dir` and `dbfilename` plus SAVE to write files such as SSH authorized_keys',
          correct: true,
          why: 'A classic attack. Redis 7.0 makes these configs immutable at runtime by default (enable-protected-configs no), but older servers allow it.',
        },
        {
          text: 'Make it a replica of a rogue server or load a module to run native code, where those commands are enabled',
          correct: true,
          why: 'REPLICAOF to an attacker-controlled primary followed by MODULE LOAD was a widespread exploit; 7.0 blocks MODULE by default (enable-module-command no).',
        },
        {
          text: 'Nothing serious, since Redis only holds cache data',
          correct: false,
          why: 'Caches hold sessions, tokens and personal data, and the attacks above reach the host itself.',
        },
      ],
      explanation:
        'Redis trusts every client that can connect, so network exposure means full control of the data and, ' +
        'historically, of the machine. Bind to private interfaces, keep protected mode on, firewall the port, require ' +
        'authentication and never run Redis as root. Redis 7.0 closes some classic paths by default (protected configs, ' +
        'DEBUG and MODULE disabled), which is defence in depth, not a reason to expose the port.',
    },
    {
      id: 'security-protected-mode',
      kind: 'choice',
      level: 'beginner',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question: 'What does protected mode (on by default) do in Redis 7?',
      options: [
        {
          text: 'While the default user has no password, only clients on loopback addresses or Unix sockets are served; others get an error explaining how to fix it',
          correct: true,
          why: 'It is a safety net for the most common mistake: listening on a public interface without a password.',
        },
        {
          text: 'It encrypts traffic between clients and the server',
          correct: false,
          why: 'Encryption is TLS, a separate feature (6.0+).',
        },
        {
          text: 'It blocks FLUSHALL and other dangerous commands for everyone',
          correct: false,
          why: 'Restricting commands is the job of ACLs.',
        },
        {
          text: 'It makes the dataset read-only',
          correct: false,
          why: 'Read-only applies to replicas (replica-read-only), not to protected mode.',
        },
      ],
      explanation:
        'Protected mode refuses remote clients as long as the default user has no password. Once you set one (requirepass ' +
        'or an ACL rule), remote clients are served again, subject to authentication. Turning protected mode off without ' +
        'adding authentication re-opens the hole it exists to close. Before 7.0, an explicit `bind` line also switched it off; since 7.0 only a password (or `protected-mode no`) does.',
      proof: ['CONFIG GET protected-mode', 'CONFIG GET bind'],
    },
    {
      id: 'security-acl-user',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 6.0+ · Valkey 7.2+',
      question:
        'Which command creates a user `reader` that can log in with password `s3cret` and run read commands only on keys ' +
        'starting with `cache:`?',
      options: [
        {
          text: '`ACL SETUSER reader on >s3cret ~cache:* +@read`',
          correct: true,
          why: 'Enabled, one password, one key pattern, and only the commands in the @read category.',
        },
        {
          text: '`ACL SETUSER reader >s3cret ~cache:* +@read`',
          correct: false,
          why: 'A new user starts disabled (off); without `on` every login fails with WRONGPASS.',
        },
        {
          text: '`ACL SETUSER reader on >s3cret +@read`',
          correct: false,
          why: 'With no key pattern the user may touch no keys at all: every GET is refused with NOPERM.',
        },
        {
          text: '`ACL SETUSER reader on nopass ~* +@all`',
          correct: false,
          why: 'That is a superuser without a password.',
        },
      ],
      explanation:
        'ACL users (6.0+) are built from rules: `on`/`off`, `>password` (stored as a SHA-256 hash), `~pattern` for keys, ' +
        '`&pattern` for Pub/Sub channels (6.2+), and `+command`, `+@category` or `-@category` for commands. A new user starts ' +
        'off with no permissions (and, since 7.0, no channels), so you grant exactly what it needs. `ACL DRYRUN` (7.0+) ' +
        'tests a rule without logging in; persist users in an ACL file with ACL SAVE, or in the config.',
      proof: ['ACL SETUSER reader on >s3cret ~cache:* +@read', 'ACL DRYRUN reader GET cache:1', 'ACL DRYRUN reader GET user:1'],
    },
    {
      id: 'security-auth-unknown-user',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 6.0+ · Valkey 7.2+',
      question: 'What does Redis reply to a login attempt with a user name that does not exist?',
      commands: ['AUTH nosuchuser wrongpass'],
      answer: '(error) WRONGPASS invalid username-password pair or user is disabled.',
      explanation:
        'Since 6.0, AUTH takes a user name and a password. An unknown user, a wrong password and a disabled user all get ' +
        'the same WRONGPASS error, so an attacker cannot probe which user names exist. The one-argument form ' +
        '`AUTH <password>` logs in as the `default` user, whose password requirepass sets. Failed attempts show up in ' +
        '`ACL LOG`.',
      proof: ['AUTH nosuchuser wrongpass', 'ACL LOG 1'],
    },
    {
      id: 'security-genpass',
      kind: 'command',
      level: 'intermediate',
      versions: 'Redis 6.0+ · Valkey 7.2+',
      question: 'You need a strong password for a new ACL user. Ask Redis to generate a random one with its default strength of 256 bits.',
      setup: [],
      check: learnerReply('a 64-hex-character password (256 bits)', (reply) => typeof reply === 'string' && /^[0-9a-f]{64}$/.test(reply)),
      answer: ['ACL GENPASS'],
      wrong: ['ACL GENPASS 64'],
      explanation:
        'ACL GENPASS returns a cryptographically random password as hex: 256 bits (64 hex characters) by default, or ' +
        'as many bits as you ask for, so `ACL GENPASS 64` gives only 16 characters. redis.conf warns that an attacker ' +
        'can try around a million passwords per second against a fast server, so use long random secrets rather than ' +
        'memorable words.',
      proof: ['ACL GENPASS', 'ACL GENPASS 64'],
    },
    {
      id: 'security-dangerous-commands',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 6.0+ · Valkey 7.2+',
      question:
        "Your application's Redis user should not be able to hurt the server. Which commands are worth denying it? (Pick all that apply.)",
      options: [
        {
          text: '`KEYS`',
          correct: true,
          why: 'It walks the whole keyspace in one blocking call; the application should use SCAN.',
        },
        {
          text: '`FLUSHALL` and `FLUSHDB`',
          correct: true,
          why: 'One call wipes everything.',
        },
        {
          text: '`CONFIG`, `DEBUG`, `MONITOR` and `SHUTDOWN`',
          correct: true,
          why: 'Server administration, not application work.',
        },
        {
          text: '`GET` and `SET`',
          correct: false,
          why: 'The application needs them; limit which keys it may touch with key patterns instead.',
        },
      ],
      explanation:
        'ACLs make this a one-liner: `-@dangerous` removes every command Redis tags as dangerous (FLUSHALL, FLUSHDB, ' +
        'KEYS, CONFIG, DEBUG, MONITOR, SHUTDOWN and more; list them with `ACL CAT dangerous`), and `-@admin` removes ' +
        'administration. Give the application `+@read +@write` or an explicit command list on its own key pattern, and ' +
        'keep administration for an operator user.',
      proof: ['ACL CAT dangerous', 'ACL SETUSER app on >app-secret ~app:* +@all -@dangerous -@admin'],
    },
    {
      id: 'security-rename-command',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 6.0+ · Valkey 7.2+',
      question: 'An old runbook disables FLUSHALL with `rename-command FLUSHALL ""` in redis.conf. What is the current recommendation?',
      options: [
        {
          text: 'Use ACLs: deny the command (or `@dangerous`) to the default and application users and grant it only to an admin user',
          correct: true,
          why: 'The redis.conf shipped with Redis 7 marks rename-command as deprecated and points to ACLs.',
        },
        {
          text: 'Keep rename-command: it is the only way to disable a command',
          correct: false,
          why: 'Since 6.0, ACLs can deny any command per user.',
        },
        {
          text: 'Apply it at runtime with `CONFIG SET rename-command`',
          correct: false,
          why: 'rename-command is a config-file directive read at startup; CONFIG SET cannot change it.',
        },
        {
          text: 'Rename FLUSHALL to a random string and share it with the developers',
          correct: false,
          why: 'Everyone who knows the name still has the command; that is obscurity, not access control.',
        },
      ],
      explanation:
        'Renaming affects every user the same way, breaks tools that expect standard names, and can cause trouble for ' +
        'commands written to the AOF or sent to replicas. ACLs let an admin user keep the command while application ' +
        'users lose it, and they can be changed at runtime. Managed services often still expose rename-like switches, ' +
        'but on your own servers ACLs are the tool.',
      proof: ['ACL SETUSER app on >app-secret ~app:* +@all -flushall -flushdb', 'ACL DRYRUN app FLUSHALL'],
    },
    {
      id: 'security-tls',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 6.0+ · Valkey 7.2+',
      question: 'Which statements about TLS in Redis are correct? (Pick all that apply.)',
      options: [
        {
          text: 'It is available since Redis 6.0, if the server was built with TLS support (`BUILD_TLS=yes`)',
          correct: true,
          why: 'TLS is optional at compile time; most packages and images include it.',
        },
        {
          text: 'You enable it with `tls-port` plus certificate and key files; `port 0` turns the plaintext port off',
          correct: true,
          why: 'Both ports can run side by side during a migration.',
        },
        {
          text: 'By default a TLS port asks clients for a certificate (`tls-auth-clients yes`), i.e. mutual TLS',
          correct: true,
          why: 'Set tls-auth-clients to no or optional if clients should not need certificates.',
        },
        {
          text: 'With TLS on, passwords and ACLs are unnecessary',
          correct: false,
          why: 'TLS protects the wire and can authenticate hosts; ACLs still decide what each user may do.',
        },
        {
          text: 'Replication and cluster bus traffic are encrypted as soon as tls-port is set',
          correct: false,
          why: 'They need `tls-replication yes` and `tls-cluster yes`.',
        },
      ],
      explanation:
        'TLS encrypts traffic and, with client certificates, authenticates the connecting host, at some cost in CPU and ' +
        'latency. Clients use `rediss://` URLs or `redis-cli --tls --cacert <file>`. Managed services usually require ' +
        'it; on a private network, weigh it against your threat model, and use ACL users either way.',
      proof: ['CONFIG GET tls-port', 'CONFIG GET tls-auth-clients'],
    },
    {
      id: 'security-lua-sandbox',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question: 'What can a Lua script sent with EVAL do on Redis 7.0? (Pick all that apply.)',
      options: [
        {
          text: "Call Redis commands with `redis.call`, limited by the calling user's ACL permissions",
          correct: true,
          why: 'Every command a script runs is checked against the ACL of the user who called EVAL.',
        },
        {
          text: 'Stall the whole server while it runs',
          correct: true,
          why: 'A script runs atomically; after busy-reply-threshold (5 s) other clients get BUSY errors until it ends or is killed.',
        },
        {
          text: "Read files or run shell commands through Lua's `io` and `os` libraries",
          correct: false,
          why: 'Those libraries are not loaded; touching them fails with "Script attempted to access nonexistent global variable".',
        },
        {
          text: 'Create global variables that the next script can read',
          correct: false,
          why: 'The global table is protected: an assignment fails with "Attempt to modify a readonly table".',
        },
      ],
      explanation:
        'Scripts run in a sandboxed Lua 5.1 without file or operating system access, and every redis.call is checked ' +
        "against the caller's ACL, so EVAL is not a privilege escalation by design. The practical risk is " +
        'availability: SCRIPT KILL can stop a long script only if it has not written yet, otherwise only SHUTDOWN NOSAVE ' +
        "helps. Sandbox escapes have come from bugs (for example CVE-2022-0543 in Debian's packaging), so patch " +
        'promptly and deny `@scripting` to users that do not need it.',
      proof: ['EVAL "return type(io)" 0', 'EVAL "x = 1" 0'],
    },
    {
      id: 'security-acl-default-user',
      kind: 'choice',
      level: 'beginner',
      versions: 'Redis 6.0+ · Valkey 7.2+',
      question: 'A fresh Redis 7 has no `requirepass`. Which statements about its `default` user are true? (Pick all that apply.)',
      options: [
        {
          text: 'Every new connection is logged in as `default` automatically, and that user is `on nopass ~* &* +@all`',
          correct: true,
          why: '`nopass` means any password, or none, is accepted, so a client that never sends AUTH gets full rights.',
        },
        {
          text: "`requirepass s3cret` just sets the default user's password, and `AUTH s3cret` (one argument) logs in as `default`",
          correct: true,
          why: 'Since 6.0 requirepass is a shortcut for an ACL rule on the default user; the old one-argument AUTH still works.',
        },
        {
          text: 'To make every client log in as a named user, switch the default user off (`ACL SETUSER default off`)',
          correct: true,
          why: 'New connections then start unauthenticated and must AUTH as a user that is on; keep an admin user before you do it.',
        },
        {
          text: '`nopass` means the user cannot log in with a password',
          correct: false,
          why: 'It is the opposite: any password is accepted. `resetpass` without `nopass` is what leaves a user no way to log in.',
        },
        {
          text: '`ACL DELUSER default` removes it for good',
          correct: false,
          why: "Redis refuses: ERR The 'default' user cannot be removed. You can only turn it off or take its permissions away.",
        },
      ],
      explanation:
        'Redis 6.0 kept old clients working by mapping the pre-ACL world onto one user: `default`, which every ' +
        'connection starts as and which requirepass protects. On a fresh server it can do everything without a ' +
        'password, which is why protected mode refuses remote clients until it has one. Hardening means giving it a ' +
        'strong password or turning it off, and giving each application its own user.',
      proof: ['ACL GETUSER default', 'ACL WHOAMI', 'CONFIG GET requirepass'],
    },
    {
      id: 'security-acl-dryrun-command',
      kind: 'command',
      level: 'intermediate',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question:
        'The support tool logs in as `quiz-support`. Without logging in as that user, ask Redis whether it may run ' +
        '`HGETALL {ns}user:42`.',
      setup: ['ACL SETUSER quiz-support reset on nopass ~{ns}user:* +@read'],
      check: learnerReply(
        'ACL DRYRUN for quiz-support and HGETALL replying OK',
        (reply, args) =>
          reply === 'OK' &&
          String(args[0]).toUpperCase() === 'ACL' &&
          String(args[1]).toUpperCase() === 'DRYRUN' &&
          args[2] === 'quiz-support' &&
          String(args[3]).toUpperCase() === 'HGETALL',
      ),
      answer: ['ACL DRYRUN quiz-support HGETALL {ns}user:42'],
      wrong: ['ACL GETUSER quiz-support'],
      explanation:
        "`ACL DRYRUN user command [args…]` (7.0+) checks a command against a user's permissions without running it and " +
        'without logging in: it replies OK, or a string saying which command, key or channel would be refused. Reading ' +
        'the rules with ACL GETUSER and working it out by hand is how mistakes slip through, especially with selectors ' +
        'and `%R~` / `%W~` patterns. DRYRUN refusals are not written to ACL LOG, and it does not check whether the ' +
        'user is on or has a password.',
      proof: ['ACL SETUSER quiz-support reset on nopass ~{ns}user:* +@read', 'ACL DRYRUN quiz-support HGETALL {ns}user:42'],
    },
    {
      id: 'security-acl-dryrun-subcommand',
      kind: 'predict',
      level: 'intermediate',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question:
        '`quiz-reports` has `~{ns}report:* +@read`. What does the second ACL DRYRUN reply? (On Redis 8 and Valkey the ' +
        'wording differs; predict Redis 7.0.)',
      setup: ['ACL SETUSER quiz-reports reset on nopass ~{ns}report:* +@read'],
      commands: ['ACL DRYRUN quiz-reports GET {ns}report:1', 'ACL DRYRUN quiz-reports CONFIG GET maxmemory'],
      answer: `"This user has no permissions to run the 'config|get' command"`,
      answerOn: [
        { server: 'Redis 8', answer: `"User quiz-reports has no permissions to run the 'config|get' command"` },
        { server: 'Valkey', answer: `"User quiz-reports has no permissions to run the 'config|get' command"` },
      ],
      explanation:
        'CONFIG GET only reads, but it is in @admin and @dangerous, not @read: categories describe what a command is ' +
        'for, not just whether it writes. ACL rules name subcommands as `command|subcommand`, so `+config|get` would ' +
        'grant exactly this one. DRYRUN answers with a plain string rather than an error, on Redis 7.0 "This user has ' +
        'no permissions…"; Redis 8 and Valkey 8 name the user instead ("User quiz-reports has no permissions…").',
      proof: [
        'ACL SETUSER quiz-reports reset on nopass ~{ns}report:* +@read',
        'ACL DRYRUN quiz-reports CONFIG GET maxmemory',
        'ACL CAT admin',
      ],
    },
    {
      id: 'security-acl-selector-keyless',
      kind: 'predict',
      level: 'advanced',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question:
        '`quiz-logger` reads `{ns}app:*` keys, and a selector lets it write `{ns}log:*` keys. What does the last ACL ' + 'DRYRUN reply?',
      setup: ['ACL SETUSER quiz-logger reset on nopass ~{ns}app:* +@read "(~{ns}log:* +@write)"'],
      commands: ['ACL DRYRUN quiz-logger SET {ns}log:1 x', 'ACL DRYRUN quiz-logger FLUSHALL'],
      answer: 'OK',
      explanation:
        'A selector (7.0+), written in parentheses, is a separate set of commands and keys: a command is allowed when ' +
        'the root permissions or any one selector allow it. This selector grants @write, which includes FLUSHALL, and ' +
        'key patterns only judge commands that name keys, so the keyless FLUSHALL passes and would wipe every key. ' +
        'Write selectors with explicit commands (`(~log:* +set +xadd)`) or add `-@dangerous` inside the parentheses.',
      proof: [
        'ACL SETUSER quiz-logger reset on nopass ~{ns}app:* +@read "(~{ns}log:* +@write)"',
        'ACL DRYRUN quiz-logger FLUSHALL',
        'ACL SETUSER quiz-logger clearselectors "(~{ns}log:* +@write -@dangerous)"',
        'ACL DRYRUN quiz-logger FLUSHALL',
      ],
    },
    {
      id: 'security-acl-read-write-keys',
      kind: 'predict',
      level: 'advanced',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question:
        '`quiz-archiver` has `%R~{ns}orders:*` (read only) and `~{ns}archive:*` (read and write). What does the last ' +
        'ACL DRYRUN reply?',
      setup: ['ACL SETUSER quiz-archiver reset on nopass %R~{ns}orders:* ~{ns}archive:* +@read +@write'],
      commands: ['ACL DRYRUN quiz-archiver GET {ns}orders:1', 'ACL DRYRUN quiz-archiver COPY {ns}orders:1 {ns}archive:1'],
      answer: 'OK',
      explanation:
        '`%R~` and `%W~` (7.0+) grant only reading or only writing, judged per key from the key specifications of each ' +
        'command. COPY reads its source and writes its destination, so copying an order into the archive is allowed, ' +
        'while `SET`, `DEL` or `EXPIRE` on an order key, and a COPY from the archive into orders, are refused. `~` is ' +
        'shorthand for `%RW~`; the difference shows in ACL GETUSER as `%R~…` next to plain `~…` patterns.',
      proof: [
        'ACL SETUSER quiz-archiver reset on nopass %R~{ns}orders:* ~{ns}archive:* +@read +@write',
        'ACL DRYRUN quiz-archiver COPY {ns}orders:1 {ns}archive:1',
        'ACL DRYRUN quiz-archiver DEL {ns}orders:1',
        'ACL GETUSER quiz-archiver',
      ],
    },
    {
      id: 'security-acl-script-fence',
      kind: 'predict',
      level: 'advanced',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question:
        '`quiz-scripts` may read `{ns}report:*` keys and run scripts. Its script reads a key it may not touch, without ' +
        'declaring it in KEYS. What does ACL DRYRUN reply?',
      setup: ['ACL SETUSER quiz-scripts reset on nopass ~{ns}report:* +@read +@scripting'],
      commands: [`ACL DRYRUN quiz-scripts EVAL "return redis.call('GET', '{ns}secret')" 0`],
      answer: 'OK',
      explanation:
        'DRYRUN checks the command and the keys it declares, not what a script will do, so it sees only "EVAL with no ' +
        'keys". Run for real as that user, the script still fails, because every redis.call is checked against the ' +
        "caller's permissions: Redis 7.0 says \"ERR The user executing the script can't access at least one of the keys " +
        'mentioned in the command arguments", Redis 8 and Valkey 8 say "ERR ACL failure in script: No permissions to ' +
        'access a key", and ACL LOG records it with context `lua`. A forbidden key declared in KEYS is refused with ' +
        'NOPERM before the script starts.',
      proof: [
        'ACL SETUSER quiz-scripts reset on nopass ~{ns}report:* +@read +@scripting',
        `ACL DRYRUN quiz-scripts EVAL "return redis.call('GET', '{ns}secret')" 0`,
        `ACL DRYRUN quiz-scripts EVAL "return redis.call('GET', KEYS[1])" 1 {ns}secret`,
      ],
    },
    {
      id: 'security-acl-pubsub-default',
      kind: 'choice',
      level: 'intermediate',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question:
        'After an upgrade from Redis 6.2 to 7.0, a provisioning script still creates workers with ' +
        '`ACL SETUSER worker on >pw ~jobs:* +@all`, and their SUBSCRIBE now fails with NOPERM. Why, and what fixes it? ' +
        '(Pick all that apply.)',
      options: [
        {
          text: 'Since 7.0 `acl-pubsub-default` is `resetchannels`, so a new user gets no channels; add `&jobs:*` (or `allchannels`) to the rule',
          correct: true,
          why: 'Up to 6.2 the default was allchannels. Channel permissions are their own rule, `&pattern`, since 6.2.',
        },
        {
          text: 'Setting `acl-pubsub-default allchannels` brings back the 6.2 behaviour for users created afterwards',
          correct: true,
          why: 'It changes the starting point of new users (and of `reset`), not the users already defined; explicit `&` rules are still the better fix.',
        },
        {
          text: 'The key pattern `~jobs:*` should have covered channels named `jobs:*`',
          correct: false,
          why: 'Channels are not keys: `~` patterns never grant channels, and `&` patterns never grant keys.',
        },
        {
          text: 'SUBSCRIBE is not part of `+@all`',
          correct: false,
          why: '+@all includes every command, SUBSCRIBE too; the refusal is about the channel, not the command.',
        },
      ],
      explanation:
        'Redis 7.0 made channels deny-by-default for new users, a deliberate breaking change listed in its release ' +
        'notes. Users whose rules say `&*` or `allchannels` keep working; users created without any channel rule lose ' +
        'Pub/Sub. Give each user only its channel patterns, and remember that PSUBSCRIBE ' +
        'patterns must match an `&` pattern literally, not just overlap it.',
      proof: [
        'CONFIG GET acl-pubsub-default',
        'ACL SETUSER quiz-worker reset on nopass ~{ns}jobs:* +@all',
        'ACL DRYRUN quiz-worker PUBLISH {ns}jobs:new hi',
        'ACL SETUSER quiz-worker &{ns}jobs:*',
        'ACL DRYRUN quiz-worker PUBLISH {ns}jobs:new hi',
      ],
    },
    {
      id: 'security-acl-log',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 6.0+ · Valkey 7.2+',
      question: 'What can you learn from `ACL LOG`? (Pick all that apply.)',
      options: [
        {
          text: 'Each entry gives the reason (`auth`, `command`, `key` or `channel`), the object refused, the user name and the client info',
          correct: true,
          why: 'Enough to tell a wrong password from a missing permission and to find the client that caused it.',
        },
        {
          text: 'The context says where the refusal happened: `toplevel`, `multi` (a command queued in a transaction) or `lua` (a redis.call inside a script)',
          correct: true,
          why: 'A script refused by ACLs shows up as context lua, which points at the script rather than the client code.',
        },
        {
          text: 'Repeated identical refusals fold into one entry whose `count` grows',
          correct: true,
          why: 'A password-guessing run shows as one `auth` entry with a large count, a signal worth alerting on.',
        },
        {
          text: 'Every ACL DRYRUN that would be refused',
          correct: false,
          why: 'DRYRUN only asks; nothing is logged.',
        },
        {
          text: 'Refusals since the server was first installed, kept on disk',
          correct: false,
          why: 'It is an in-memory list of the latest `acllog-max-len` entries (128 by default), emptied by a restart or `ACL LOG RESET`.',
        },
      ],
      explanation:
        'ACL LOG (6.0+) is the first place to look when an application suddenly gets NOPERM or WRONGPASS. Redis 7.2 ' +
        'and Valkey add `entry-id`, `timestamp-created` and `timestamp-last-updated` to each entry, which makes polling ' +
        'it from monitoring easier. Read it with `ACL LOG 10`, and ship the auth entries to your alerting.',
      proof: ['ACL LOG 10', 'CONFIG GET acllog-max-len'],
    },
    {
      id: 'security-acl-persistence',
      kind: 'choice',
      level: 'advanced',
      versions: 'Redis 6.0+ · Valkey 7.2+',
      question: 'Operators create users at runtime with ACL SETUSER. How do those users survive a restart? (Pick all that apply.)',
      options: [
        {
          text: 'With an `aclfile` configured, `ACL SAVE` writes every user to it and `ACL LOAD` reads it back',
          correct: true,
          why: 'ACL LOAD is all or nothing: if a line is invalid, the users already loaded stay as they were.',
        },
        {
          text: 'Without an aclfile, users live as `user …` lines in redis.conf, and `CONFIG REWRITE` writes the current ones there',
          correct: true,
          why: 'CONFIG REWRITE writes each user with its password hashes, patterns and selectors.',
        },
        {
          text: 'ACL SETUSER writes to disk by itself',
          correct: false,
          why: 'Changes are in memory only until ACL SAVE or CONFIG REWRITE; a restart loses them.',
        },
        {
          text: 'Put some users in redis.conf and the rest in an aclfile',
          correct: false,
          why: 'Redis refuses to start when redis.conf has `user` lines and an aclfile is set: choose one place.',
        },
        {
          text: 'RDB snapshots and the AOF carry the users along with the data',
          correct: false,
          why: 'Persistence files hold data only; replicas and restored backups need their users configured separately.',
        },
      ],
      explanation:
        'Users are configuration, not data. Pick one home for them: an aclfile (managed with ACL SAVE / ACL LOAD, or ' +
        'written by your provisioning and loaded with ACL LOAD) or redis.conf (persisted with CONFIG REWRITE); ' +
        'without an aclfile, ACL SAVE fails and says to use CONFIG REWRITE. Replicas do not receive users from their ' +
        'primary, so every node of a replication group or cluster needs the same users.',
      proof: ['CONFIG GET aclfile', 'ACL LIST'],
    },
    {
      id: 'security-harden-instance',
      kind: 'open',
      level: 'intermediate',
      versions: 'Redis 7.0+ · Valkey 7.2+',
      question: 'You inherit a production Redis that listens on 0.0.0.0 with no password. List the hardening steps, most important first.',
      keyPoints: [
        'Network first: bind to private interfaces and firewall 6379 (and the cluster bus port, 16379 by default) to application hosts only; never expose it to the internet.',
        'Authentication: an ACL user per application with only the commands and key patterns it needs; give the default user a strong password or disable it.',
        'Keep protected-mode yes, do not run Redis as root, and restrict permissions on the config file and data directory.',
        'Deny dangerous and admin commands to application users (-@dangerous, -@admin); keep enable-protected-configs, enable-debug-command and enable-module-command at their 7.0 default of no.',
        'TLS (6.0+) where traffic crosses networks you do not trust, including replication (tls-replication) and the cluster bus (tls-cluster).',
        'Patch regularly, watch ACL LOG for denied commands and failed logins, and rotate passwords without downtime (a user may hold several passwords at once).',
      ],
      explanation:
        'Defence in depth: first limit who can reach Redis, then who can log in, then what each login may do, then ' +
        'protect the wire. Rotation works without downtime because an ACL user can have several valid passwords: add ' +
        'the new one with `>`, roll out clients, then remove the old one with `<`.',
      proof: [
        'ACL SETUSER app on >old-secret ~app:* +@all -@dangerous',
        'ACL SETUSER app >new-secret',
        'ACL SETUSER app <old-secret',
        'ACL LOG 10',
      ],
    },
    {
      id: 'security-multi-tenant',
      kind: 'open',
      level: 'advanced',
      versions: 'Redis 6.2+ · Valkey 7.2+',
      question: 'Two teams must share one Redis deployment. How do you keep them from reading, breaking or starving each other?',
      keyPoints: [
        'One ACL user per team with a key prefix (`~team-a:*`), channel patterns (`&team-a:*`) and only the command categories it needs.',
        'Numbered databases (SELECT) are not an access boundary: Redis ACLs cannot restrict databases (Valkey 9.1 adds per-database rules), and Redis Cluster supports only database 0 (Valkey 9.0 lifts that).',
        "Resource isolation is per instance: maxmemory, eviction, CPU and slow commands are shared, so one team's KEYS or huge script hurts the other.",
        'When isolation really matters (noisy neighbours, different eviction or persistence needs), give each team its own instance or cluster.',
        'Deny administration to both teams; let operators own CONFIG, FLUSHALL and friends.',
      ],
      explanation:
        'ACLs give logical isolation of data and commands, but a single Redis process shares memory, CPU and its one ' +
        'command thread. Key prefixes plus ACL users solve "who may see what"; separate instances solve "who may slow ' +
        'whom down". Name the trade-off instead of promising isolation that one instance cannot give.',
    },
  ],
};

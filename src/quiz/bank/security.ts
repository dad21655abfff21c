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
        'adding authentication re-opens the hole it exists to close.',
      proof: ['CONFIG GET protected-mode', 'CONFIG GET bind'],
    },
    {
      id: 'security-acl-user',
      kind: 'choice',
      level: 'intermediate',
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
        '`&pattern` for Pub/Sub channels, and `+command`, `+@category` or `-@category` for commands. A new user starts ' +
        'off with no permissions (and, since 7.0, no channels), so you grant exactly what it needs. `ACL DRYRUN` (7.0+) ' +
        'tests a rule without logging in; persist users in an ACL file with ACL SAVE, or in the config.',
      proof: ['ACL SETUSER reader on >s3cret ~cache:* +@read', 'ACL DRYRUN reader GET cache:1', 'ACL DRYRUN reader GET user:1'],
    },
    {
      id: 'security-auth-unknown-user',
      kind: 'predict',
      level: 'intermediate',
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
      id: 'security-harden-instance',
      kind: 'open',
      level: 'intermediate',
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
      question: 'Two teams must share one Redis deployment. How do you keep them from reading, breaking or starving each other?',
      keyPoints: [
        'One ACL user per team with a key prefix (`~team-a:*`), channel patterns (`&team-a:*`) and only the command categories it needs.',
        'Numbered databases (SELECT) are not an access boundary: ACLs in 7.x cannot restrict databases, and Redis Cluster in 7.x supports only database 0.',
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

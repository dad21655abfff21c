// The restricted Redis user learner commands run as on a shared server: the server itself keeps them in the namespace.
//
// redis-learn's own judge (learner-command.ts) refuses anything off its allowlist; this user is the second wall, enforced
// by Redis: keys ~<ns>*, channels &<ns>*, no dangerous, admin or scripting commands, no way to another database.
// docker-compose.yml defines it at start-up; for any other server `redis-learn doctor` prints the ACL SETUSER line for
// its administrator. redis-learn never runs ACL SETUSER on a server it did not start.

import { globEscape } from './scan.js';

/** The user name the compose file defines and doctor suggests. */
export const LEARNER_USER = 'redis-learn';

/**
 * The learner user's password in docker-compose.yml. Not a secret: the compose Redis listens on the developer's own
 * machine, its default user has no password at all, and this user can only reach learn:* keys.
 */
export const COMPOSE_LEARNER_PASSWORD = 'redis-learn';

/**
 * Commands removed on top of the categories: SELECT/SWAPDB/MOVE/COPY reach other databases (an ACL key pattern holds
 * in every database, so only removing the command keeps the learner in one), SUBSCRIBE-style commands and CLIENT REPLY
 * would take the connection away from the prompt, WAIT/WAITAOF block on replicas the learner does not own.
 * Redis runs its no-auth commands (AUTH, HELLO, RESET) for every user whatever the rules say (checked on 7.0): `-reset`
 * is accepted and ignored, and RESET or AUTH default make the connection the default user where that one has no
 * password (the compose Redis). Only redis-learn's own judge refuses those; test/learner-acl.test.ts pins this down.
 */
const EXTRA_DENIED = [
  'select',
  'swapdb',
  'move',
  'copy',
  'subscribe',
  'psubscribe',
  'ssubscribe',
  'client|reply',
  'client|tracking',
  'reset',
  'wait',
];

/**
 * ACL rules for the learner user of namespace `ns` in database `db`, without the password rule. For a database other
 * than 0 the user may SELECT that one database and no other (`+select|N`, a first-argument rule Redis 7 still honours):
 * the learner connection has to SELECT it when it opens, and without this rule it could not.
 */
export function learnerAclRules(ns: string, db = 0): string[] {
  return [
    'on',
    'resetkeys',
    `~${globEscape(ns)}*`,
    'resetchannels',
    `&${globEscape(ns)}*`,
    '+@all',
    '-@dangerous',
    '-@admin',
    '-@scripting',
    ...EXTRA_DENIED.map((c) => `-${c}`),
    ...(db === 0 ? [] : [`+select|${db}`]),
  ];
}

/** The line doctor prints for a server's administrator (for the database the learner works in). */
export function aclSetuserLine(ns: string, user = LEARNER_USER, db = 0): string {
  return `ACL SETUSER ${user} reset ${learnerAclRules(ns, db).join(' ')} >CHOOSE-A-PASSWORD`;
}

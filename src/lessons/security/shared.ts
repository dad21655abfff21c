// The security lesson's names: its keys (under {ns}security:), the users its steps and exercises create, and their
// passwords (lab-only, shown to the learner on purpose). Values the prose quotes reach it through vars (index.ts).

/** Key names without the namespace. */
export const K = {
  q1: 'security:report:q1',
  q2: 'security:report:q2',
  reports: 'security:report:*',
  secret: 'security:secret:db',
  secrets: 'security:secret:*',
  cacheHome: 'security:cache:page:home',
  cacheAbout: 'security:cache:page:about',
  cache: 'security:cache:*',
  cacheTmp: 'security:cache:tmp:*',
  invoice: 'security:invoice:1001',
  invoices: 'security:invoice:*',
  invoiceLog: 'security:invoice:log',
  audit: 'security:audit',
  app: 'security:app:*',
  appCart: 'security:app:cart:42',
  stats: 'security:stats:*',
  ticket: 'security:ticket:*',
} as const;

/** The secret every step tries to reach: the database password kept in {ns}security:secret:db. */
export const SECRET_VALUE = 'pg-Xk29-prod';

export const USERS = {
  alice: { name: 'alice', pass: 'alice-pw-7f3a' },
  reader: { name: 'report-reader', pass: 'r3ad-only-9d0e' },
  app: { name: 'app', pass: 'app-pw-c2d8' },
  cache: { name: 'cache-worker', pass: 'cache-pw-b71c' },
  billing: { name: 'billing', pass: 'b1lling-pw-4e5f' },
  analytics: { name: 'analytics', pass: 'an4lytics-pw-8a1c' },
} as const;

/** The default user's password in the protected-mode exercise. */
export const DEFAULT_PASS = 'lab-default-s3cret';

/** The address an "application server" connects from: this machine, but not the loopback address 127.0.0.1. */
export const APP_HOST = '127.0.0.2';

/** How many wrong passwords the brute-force step sends, pipelined on one connection. */
export const GUESSES = 2000;

/** The scripts the EVAL steps run: one reads the key it declares, one builds the secret's name at run time. */
export const DECLARED_SCRIPT = "return redis.call('GET', KEYS[1])";
export const SNEAKY_SCRIPT = "return redis.call('HGET', string.gsub(KEYS[1], 'report:q1', 'secret:db'), 'password')";

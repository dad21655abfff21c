// Lesson security (Expert, production lab: single): the default user and protected mode, ACL users with key patterns,
// categories, read/write key rules and selectors (Redis 7.0), ACL LOG and password guessing, what EVAL can reach, and
// TLS with certificates made at run time. Metadata and step order here; behaviour in the section files, prose in
// security.md.
import { defineLesson } from '../../engine/prose.js';
import { aclBasicsSteps } from './acl-basics.js';
import { defaultsSteps } from './defaults.js';
import { keyPermsSteps } from './key-perms.js';
import { scriptsSteps } from './scripts.js';
import { transportSteps } from './transport.js';
import { APP_HOST, DEFAULT_PASS, GUESSES, K, USERS } from './shared.js';

export const securityLesson = defineLesson({
  id: 'security',
  level: 'Expert',
  minutes: 40,
  summary:
    'Who may connect and what they may do, on a node of your own: the default user and protected mode (refusing a ' +
    'client from 127.0.0.2, live), ACL users with key patterns and command categories, read/write key rules and ' +
    'selectors (Redis 7.0), ACL LOG and how fast a password can be guessed, why EVAL reaches any key and how ACL stops ' +
    'it, and TLS with certificates made for the run (a tap counts the secret crossing the wire).',
  keys: ['security:*'],
  lab: { topology: 'single' },
  prose: new URL('./security.md', import.meta.url),
  vars: {
    appHost: APP_HOST,
    defaultPass: DEFAULT_PASS,
    guesses: GUESSES,
    reader: USERS.reader.name,
    readerPass: USERS.reader.pass,
    app: USERS.app.name,
    appPass: USERS.app.pass,
    cacheUser: USERS.cache.name,
    cachePass: USERS.cache.pass,
    billing: USERS.billing.name,
    billingPass: USERS.billing.pass,
    analytics: USERS.analytics.name,
    reports: K.reports,
    secret: K.secret,
    cache: K.cache,
    cacheTmp: K.cacheTmp,
    invoices: K.invoices,
    audit: K.audit,
    appKeys: K.app,
  },
  steps: [
    { id: 'intro', kind: 'explain' },
    ...aclBasicsSteps,
    ...keyPermsSteps,
    ...defaultsSteps,
    ...scriptsSteps,
    ...transportSteps,
    { id: 'wrap-up', kind: 'explain' },
  ],
});

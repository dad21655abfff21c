#!/usr/bin/env bash
# The whole test suite: build, every test on the system redis-server, then the server matrix (Redis 8, Valkey 8 from
# Debian 13 packages; `redis-learn servers prepare` makes them): lessons, quiz verification and sandbox on each.
set -uo pipefail
cd "$(dirname "$0")/.."
npm run -s build || exit 1
status=0
npx vitest run "$@" || status=1
[ $# -gt 0 ] && exit $status
MATRIX_FILES=(test/lessons-generic.test.ts test/lesson-ecommerce.test.ts test/sandbox-escape.test.ts test/learner-acl.test.ts test/quiz-bank.test.ts
  test/quiz-content-a.test.ts test/quiz-content-b.test.ts test/quiz-proof-lines.test.ts test/quiz-content-corrections.test.ts test/patterns)
for server in redis-8 valkey-8; do
  if node bin/redis-learn.js servers --json | node -e "let d='';process.stdin.on('data',c=>d+=c).on('end',()=>process.exit(JSON.parse(d).servers.find(s=>s.name==='$server').available?0:1))"; then
    echo "── the server matrix: ${server}"
    REDIS_LEARN_SERVER=$server npx vitest run "${MATRIX_FILES[@]}" || status=1
  else
    echo "── ${server} is not prepared here, not tested (redis-learn servers prepare)"
  fi
done
exit $status

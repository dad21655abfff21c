// Writes REDIS_INTERVIEW_GUIDE.md from the question bank (`npm run guide`); `--check` exits 1 when the file is stale.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { TOPICS } from '../src/quiz/bank/index.js';
import { GUIDE_FILE, generateGuide } from '../src/quiz/guide.js';

const path = resolve(import.meta.dirname, '..', GUIDE_FILE);
const text = generateGuide(TOPICS);
const questions = TOPICS.reduce((n, t) => n + t.questions.length, 0);

if (process.argv.includes('--check')) {
  const current = existsSync(path) ? readFileSync(path, 'utf8') : null;
  if (current !== text) {
    process.stderr.write(`${GUIDE_FILE} is ${current === null ? 'missing' : 'out of date with src/quiz/bank'}: run npm run guide\n`);
    process.exit(1);
  }
  process.stdout.write(`${GUIDE_FILE} is up to date (${questions} questions, ${TOPICS.length} topics)\n`);
} else {
  writeFileSync(path, text);
  process.stdout.write(`wrote ${GUIDE_FILE}: ${questions} questions over ${TOPICS.length} topics\n`);
}

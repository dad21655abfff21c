// Build step: lesson prose (src/lessons/<id>/*.md) is read at run time next to the compiled lesson, so copy it to dist/.
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const src = 'src/lessons';
let copied = 0;
for (const entry of readdirSync(src)) {
  const dir = join(src, entry);
  if (!statSync(dir).isDirectory()) continue;
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.md'))) {
    const to = join('dist', 'lessons', entry, f);
    if (!existsSync(join('dist', 'lessons', entry))) continue;
    cpSync(join(dir, f), to);
    copied++;
  }
}
process.stdout.write(`copied ${copied} lesson prose file${copied === 1 ? '' : 's'} to dist/\n`);

// Lesson prose, Markdown → terminal text. marked parses (a kept library); this file only decides how each block
// looks: paragraphs reflowed to the screen, lists with hanging indents, code blocks indented, tables through our own
// width-fitting renderTable, inline code and emphasis in the theme's colours. (marked-terminal was tried first: with
// current marked it prints list items' inline code as raw backticks, and its tables ignore --no-color.)
import { Lexer, type Token, type Tokens } from 'marked';
import { renderTable } from '../ui/table.js';
import { c, terminalWidth } from '../ui/theme.js';
import { wrap } from './render.js';

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

function unescape(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e);
}

/** A figure space (one column wide, like a space): holds inline code together while wrapping, then turns back into a space. */
const KEEP = '\u2007';

/** Inline tokens as one styled line (no wrapping here). */
function inline(tokens: Token[] | undefined): string {
  if (!tokens) return '';
  return tokens
    .map((t) => {
      switch (t.type) {
        case 'codespan':
          // Spaces inside inline code become KEEP while lines are wrapped, so `LRANGE key 0 -1` never splits.
          return c.cyan(unescape((t as Tokens.Codespan).text).replace(/ /g, KEEP));
        case 'strong':
          return c.bold(inline((t as Tokens.Strong).tokens));
        case 'em':
          return c.italic(inline((t as Tokens.Em).tokens));
        case 'del':
          return c.strikethrough(inline((t as Tokens.Del).tokens));
        case 'link': {
          const l = t as Tokens.Link;
          const text = inline(l.tokens);
          return l.href && l.href !== text ? `${text} (${c.underline(l.href)})` : c.underline(text);
        }
        case 'br':
          return '\n';
        case 'text': {
          const tx = t as Tokens.Text;
          return tx.tokens ? inline(tx.tokens) : unescape(tx.text);
        }
        case 'escape':
          return (t as Tokens.Escape).text;
        default:
          return unescape((t as { raw?: string }).raw ?? '');
      }
    })
    .join('');
}

/** Text wrapped to `width`, every line after the first indented by `hang`. */
function hanging(text: string, width: number, first: string, hang: string): string {
  return wrap(text.replace(/\n/g, ' '), Math.max(20, width - hang.length))
    .split('\n')
    .map((line, i) => (i === 0 ? first : hang) + line.replaceAll(KEEP, ' '))
    .join('\n');
}

function blocks(tokens: Token[], width: number, indent = ''): string[] {
  const out: string[] = [];
  for (const t of tokens) {
    switch (t.type) {
      case 'space':
        break;
      case 'paragraph':
        out.push(hanging(inline((t as Tokens.Paragraph).tokens), width, indent, indent));
        break;
      case 'text': {
        const tx = t as Tokens.Text;
        out.push(hanging(tx.tokens ? inline(tx.tokens) : unescape(tx.text), width, indent, indent));
        break;
      }
      case 'heading':
        out.push(indent + c.bold(inline((t as Tokens.Heading).tokens)));
        break;
      case 'code':
        out.push(
          (t as Tokens.Code).text
            .split('\n')
            .map((l) => `${indent}  ${c.cyan(l)}`)
            .join('\n'),
        );
        break;
      case 'blockquote':
        out.push(...blocks((t as Tokens.Blockquote).tokens, width - 2, `${indent}│ `).map((b) => c.dim(b)));
        break;
      case 'list': {
        const list = t as Tokens.List;
        const start = typeof list.start === 'number' ? list.start : 1;
        const items = list.items.map((item, i) => {
          const bullet = list.ordered ? `${start + i}. ` : '• ';
          const pad = ' '.repeat(bullet.length);
          // An item's first block follows the bullet; later blocks (nested lists, paragraphs) hang under its text.
          const inner = blocks(item.tokens, width - indent.length - 2 - bullet.length, '');
          const [firstBlock = '', ...rest] = inner;
          const firstLines = firstBlock.split('\n');
          const lines = [`${indent}  ${bullet}${firstLines[0] ?? ''}`, ...firstLines.slice(1).map((l) => `${indent}  ${pad}${l}`)];
          for (const b of rest) lines.push(...b.split('\n').map((l) => `${indent}  ${pad}${l}`));
          return lines.join('\n');
        });
        out.push(items.join('\n'));
        break;
      }
      case 'table': {
        const tb = t as Tokens.Table;
        out.push(
          renderTable(
            tb.header.map((h) => inline(h.tokens)),
            tb.rows.map((r) => r.map((cell) => inline(cell.tokens))),
            { indent: indent.length + 2, width, wrap: true },
          ),
        );
        break;
      }
      case 'hr':
        out.push(indent + c.dim('─'.repeat(Math.min(40, width))));
        break;
      case 'html':
        // HTML comments are notes for contributors reading the Markdown; they are not shown.
        break;
      default:
        out.push(indent + unescape((t as { raw?: string }).raw ?? '').trimEnd());
    }
  }
  return out;
}

/** Markdown as terminal lines no wider than `width` (default: the screen, at most 100 columns, less a margin). */
export function renderMarkdown(markdown: string, width = Math.min(terminalWidth(), 100) - 2): string {
  return blocks(new Lexer().lex(markdown), width).join('\n\n').replaceAll(KEEP, ' ');
}

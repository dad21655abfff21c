// The terminal prompts, driven through a fake TTY: pressing Enter at the self-grade without choosing is "again",
// never "good", and the choice prompt lists the options it was given in that order with their shown numbers.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SELF_GRADE_CHOICES, terminalInput } from '../src/quiz/input.js';
import { parseSelfGrade } from '../src/quiz/grading.js';

function fakeTerminal(): { input: PassThrough; output: PassThrough; screen: () => string } {
  const input = new PassThrough();
  const output = new PassThrough();
  // @inquirer/prompts reads keypresses from a TTY in raw mode.
  Object.assign(input, { isTTY: true, setRawMode: () => input });
  let text = '';
  output.on('data', (d: Buffer) => (text += d.toString()));
  return { input, output, screen: () => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '') };
}

describe('terminal prompts', () => {
  it('takes a bare Enter at the self-grade as "again", not "good"', async () => {
    const t = fakeTerminal();
    const ti = await terminalInput(t.output, t.input);
    const answer = ti.selfGrade('How did you do?');
    setTimeout(() => t.input.write('\r'), 50);
    const grade = await answer;
    expect(grade).toBe('again');
    expect(parseSelfGrade(grade!)).toBe(1);
    expect(SELF_GRADE_CHOICES[0].value).toBe('again');
    expect(t.screen()).toMatch(/again — I did not know it/);
  });

  it('returns the shown number of the option picked', async () => {
    const t = fakeTerminal();
    const ti = await terminalInput(t.output, t.input);
    const answer = ti.choice('Your answer (1–3):', ['zeta', 'alpha', 'mu'], false);
    // Down once, then Enter: the second option as shown.
    setTimeout(() => t.input.write('\x1b[B'), 50);
    setTimeout(() => t.input.write('\r'), 100);
    expect(await answer).toBe('2');
    expect(t.screen()).toMatch(/1\. zeta[\s\S]*2\. alpha[\s\S]*3\. mu/);
  });
});

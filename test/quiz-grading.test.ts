// Answer grading: option picks, predicted replies normalised the way the issue asks, self-grades, one-line answers.
import { describe, expect, it } from 'vitest';
import { gradeChoice, gradePredict, normaliseReply, parseChoice, parseSelfGrade, splitCommands } from '../src/quiz/grading.js';
import type { ChoiceQuestion } from '../src/quiz/types.js';
import { beta } from './fixtures/quiz-topics.js';

describe('choice answers', () => {
  const many = beta.questions[0] as ChoiceQuestion;

  it('reads numbers and letters, any separator, in any order', () => {
    expect(parseChoice('1,3', 3)).toEqual([1, 3]);
    expect(parseChoice(' 3 1 ', 3)).toEqual([1, 3]);
    expect(parseChoice('a, c', 3)).toEqual([1, 3]);
    expect(parseChoice('2', 3)).toEqual([2]);
  });

  it('rejects empty, out-of-range and non-pick answers', () => {
    expect(parseChoice('', 3)).toBeNull();
    expect(parseChoice('4', 3)).toBeNull();
    expect(parseChoice('0', 3)).toBeNull();
    expect(parseChoice('good', 3)).toBeNull();
  });

  it('needs exactly the correct options when several are correct', () => {
    expect(gradeChoice(many, [1, 3])).toBe(true);
    expect(gradeChoice(many, [1])).toBe(false);
    expect(gradeChoice(many, [1, 2, 3])).toBe(false);
    expect(gradeChoice(many, [])).toBe(false);
  });
});

describe('predicted replies', () => {
  it('ignores quotes, (integer), case and whitespace', () => {
    expect(gradePredict('(integer) 7', '7')).toBe(true);
    expect(gradePredict('(integer) 7', ' (INTEGER)   7 ')).toBe(true);
    expect(gradePredict('"hello"', 'hello')).toBe(true);
    expect(gradePredict('"hello"', "'Hello'")).toBe(true);
    expect(gradePredict('OK', 'ok')).toBe(true);
    expect(gradePredict('(nil)', 'nil')).toBe(true);
    expect(gradePredict('1) "a" 2) "b"', 'a b')).toBe(true);
    expect(gradePredict('1) "a" 2) "b"', '1) "a" 2) "b"')).toBe(true);
  });

  it('still tells different replies apart', () => {
    expect(gradePredict('(integer) 7', '8')).toBe(false);
    expect(gradePredict('(integer) 7', '')).toBe(false);
    expect(gradePredict('"hello"', '(nil)')).toBe(false);
    expect(gradePredict('1) "a" 2) "b"', 'b a')).toBe(false);
    expect(gradePredict('(integer) 0', '(integer) 1')).toBe(false);
  });

  it('accepts an error reply by its code or a prefix of its message, not by a different code', () => {
    const wrongType = '(error) WRONGTYPE Operation against a key holding the wrong kind of value';
    expect(gradePredict(wrongType, 'WRONGTYPE')).toBe(true);
    expect(gradePredict(wrongType, '(error) WRONGTYPE Operation against')).toBe(true);
    expect(gradePredict(wrongType, wrongType)).toBe(true);
    expect(gradePredict(wrongType, '(error) ERR')).toBe(false);
    expect(gradePredict(wrongType, '(error) WRONGTYPE nonsense')).toBe(false);
    expect(gradePredict(wrongType, 'OK')).toBe(false);
  });

  it('accepts the short form of an error inside an array, element by element', () => {
    const exec = '1) OK 2) (error) WRONGTYPE Operation against a key holding the wrong kind of value';
    expect(gradePredict(exec, exec)).toBe(true);
    expect(gradePredict(exec, '1) OK 2) (error) WRONGTYPE')).toBe(true);
    expect(gradePredict(exec, 'OK (error) WRONGTYPE')).toBe(true);
    expect(gradePredict(exec, 'OK WRONGTYPE')).toBe(true);
    expect(gradePredict(exec, '1) OK 2) WRONGTYPE Operation against a key')).toBe(true);
    // The other elements and the error code still have to be right, in order.
    expect(gradePredict(exec, 'OK')).toBe(false);
    expect(gradePredict(exec, 'WRONGTYPE')).toBe(false);
    expect(gradePredict(exec, 'WRONGTYPE OK')).toBe(false);
    expect(gradePredict(exec, 'OK (error) ERR')).toBe(false);
    expect(gradePredict(exec, '(integer) 1 WRONGTYPE')).toBe(false);
    expect(gradePredict(exec, 'OK WRONGTYPE nonsense')).toBe(false);
    // An error between other elements, with the message cut at any word.
    const middle = '1) (integer) 1 2) (error) ERR value is not an integer or out of range 3) "b"';
    expect(gradePredict(middle, '1 ERR b')).toBe(true);
    expect(gradePredict(middle, '1) (integer) 1 2) (error) ERR value is not 3) "b"')).toBe(true);
    expect(gradePredict(middle, '1 ERR')).toBe(false);
    expect(gradePredict(middle, '1 b')).toBe(false);
    // A string element that merely contains "(error)" is compared in full, not as an error.
    expect(gradePredict('1) "(error) WRONGTYPE x" 2) OK', '"(error) WRONGTYPE" OK')).toBe(false);
  });

  it('normalises to a canonical form', () => {
    expect(normaliseReply('(integer) 2')).toBe('2');
    expect(normaliseReply('(empty array)')).toBe('empty');
    expect(normaliseReply('1) "x"  2) (integer) 3')).toBe('x 3');
  });
});

describe('self-grades and one-line answers', () => {
  it('maps again/hard/good/easy, their initials and 0–3 to FSRS ratings', () => {
    expect(['again', 'hard', 'good', 'easy'].map(parseSelfGrade)).toEqual([1, 2, 3, 4]);
    expect(['a', 'H', ' g ', 'e'].map(parseSelfGrade)).toEqual([1, 2, 3, 4]);
    expect(['0', '1', '2', '3'].map(parseSelfGrade)).toEqual([1, 2, 3, 4]);
    expect(parseSelfGrade('4')).toBeNull();
    expect(parseSelfGrade('maybe')).toBeNull();
  });

  it('splits commands at semicolons outside quotes only', () => {
    expect(splitCommands('SET a 1 ; GET a')).toEqual(['SET a 1', 'GET a']);
    expect(splitCommands(`EVAL "redis.call('INCR', KEYS[1]); return 1" 1 k`)).toEqual([`EVAL "redis.call('INCR', KEYS[1]); return 1" 1 k`]);
    expect(splitCommands(`SET k 'a;b' ; GET k`)).toEqual([`SET k 'a;b'`, 'GET k']);
    expect(splitCommands('  ;  ')).toEqual([]);
  });
});

// The lesson registry: adding a lesson = one file in src/lessons/ and one line here, in learning order.
import type { Lesson } from '../engine/types.js';
import { simpleLesson } from './simple/index.js';
import { complexLesson } from './complex/index.js';
import { bulkLesson } from './bulk/index.js';
import { ecommerceLesson } from './ecommerce/index.js';

export const LESSONS: Lesson[] = [simpleLesson, complexLesson, bulkLesson, ecommerceLesson];

export function findLesson(id: string): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}

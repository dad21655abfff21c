// The question bank's registry: every topic file, in the order the guide and `quiz --list` show them.
import type { Topic } from '../types.js';
import { topic as fundamentals } from './fundamentals.js';

export const TOPICS: Topic[] = [fundamentals];

// A count with its noun, as every report line says it.
import { describe, expect, test } from 'vitest';
import { counted } from '../../src/model/counted.js';

describe('counted: a count with its noun', () => {
  test.each([
    [0, 'check', undefined, '0 checks'],
    [1, 'check', undefined, '1 check'],
    [2, 'question', undefined, '2 questions'],
    [1, 'process', 'processes', '1 process'],
    [3, 'process', 'processes', '3 processes'],
  ])('%i %s', (count, singular, plural, text) => {
    expect(counted(count, singular, plural)).toBe(text);
  });
});

import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/errors';
import { changeSummary, isStale, sameSet, withId, withoutId } from './sets';

describe('directory link sets', () => {
  it('adds an id once and removes it', () => {
    expect(withId(['a'], 'b')).toEqual(['a', 'b']);
    expect(withId(['a', 'b'], 'b')).toEqual(['a', 'b']);
    expect(withoutId(['a', 'b'], 'a')).toEqual(['b']);
  });

  it('compares sets whatever their order', () => {
    expect(sameSet(['a', 'b'], ['b', 'a'])).toBe(true);
    expect(sameSet(['a', 'b'], ['a'])).toBe(false);
    expect(sameSet(['a', 'b'], ['a', 'c'])).toBe(false);
  });

  it('says what a save would change', () => {
    expect(changeSummary(['a', 'b'], ['b', 'c', 'd'])).toBe('2 added, 1 removed');
    expect(changeSummary(['a'], ['a'])).toBe('');
  });

  it('tells a stale version from other refusals', () => {
    expect(isStale(new ApiError(409, { code: 'STUDENT.STALE', message: 'changed' }))).toBe(true);
    expect(isStale(new ApiError(409, { code: 'STAFF.LEADS_GROUPS', message: 'leads groups' }))).toBe(false);
    expect(isStale(new ApiError(400, { code: 'REQUEST.INVALID', message: 'invalid' }))).toBe(false);
    expect(isStale(new TypeError('Failed to fetch'))).toBe(false);
  });
});

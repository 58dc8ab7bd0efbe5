import { describe, expect, it } from 'vitest';
import { wayOut } from './SessionError';

describe('wayOut', () => {
  it('points a refused start at the session that is already running', () => {
    expect(wayOut({ code: 'SESSION.ALREADY_ACTIVE', details: { activeSessionId: 'abc' } })).toEqual({ to: '/sessions/abc', label: 'Go to your active session (end or delete it first)' });
  });

  it('points a second start of one occurrence at the first session', () => {
    expect(wayOut({ code: 'OCCURRENCE.ALREADY_STARTED', details: { sessionId: 'def' } })?.to).toBe('/sessions/def');
  });

  it('offers none when the API names none', () => {
    expect(wayOut({ code: 'SESSION.ALREADY_ACTIVE' })).toBeNull();
    expect(wayOut({ code: 'AUTH.SIGNATURE_INVALID' })).toBeNull();
  });
});

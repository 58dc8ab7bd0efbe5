import { describe, expect, it } from 'vitest';
import { postsSessions, worksWithSessions } from './staff-roles';

describe('who is offered the session screens', () => {
  it('offers sessions, the calendar and series to providers and admins, never to payroll alone', () => {
    expect(worksWithSessions(['provider'])).toBe(true);
    expect(worksWithSessions(['school_admin'])).toBe(true);
    expect(worksWithSessions(['district_admin'])).toBe(true);
    expect(worksWithSessions(['payroll'])).toBe(false);
    expect(worksWithSessions(['payroll', 'provider'])).toBe(true);
  });

  it('offers bulk posting to providers only, as the API posts a provider’s own sessions', () => {
    expect(postsSessions(['provider'])).toBe(true);
    expect(postsSessions(['district_admin'])).toBe(false);
    expect(postsSessions(['payroll'])).toBe(false);
  });
});

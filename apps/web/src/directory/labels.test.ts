import { describe, expect, it } from 'vitest';
import { roleWords, schoolList } from './labels';

describe('directory words', () => {
  it('names the provider’s kind with the provider role', () => {
    expect(roleWords({ roles: ['provider', 'school_admin'], providerKind: 'coach' })).toBe('Provider (coach), School admin');
    expect(roleWords({ roles: ['payroll'], providerKind: null })).toBe('Payroll');
  });

  it('names the schools the reader may list and counts the others', () => {
    const names = new Map([
      ['a', 'Lincoln Elementary'],
      ['b', 'Roosevelt Middle'],
    ]);
    expect(schoolList(['a', 'b'], names)).toBe('Lincoln Elementary, Roosevelt Middle');
    expect(schoolList(['a', 'x', 'y'], names)).toBe('Lincoln Elementary, 2 other schools');
    expect(schoolList([], names)).toBe('None');
  });
});

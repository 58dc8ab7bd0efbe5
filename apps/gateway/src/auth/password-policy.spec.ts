import { DomainError } from '@sessionledger/common';
import { PasswordPolicy } from './password-policy';

describe('PasswordPolicy (NIST SP 800-63B)', () => {
  const policy = new PasswordPolicy();

  it('takes any passphrase of 12 characters or more, with no composition rules', () => {
    expect(policy.problem('correct llama staple moon')).toBeNull();
    expect(policy.problem('alllowercaseletters')).toBeNull();
    expect(policy.problem('añoranza del mar')).toBeNull();
  });

  it('refuses short passwords, counting characters rather than bytes', () => {
    expect(policy.problem('short-pass1')).toMatch(/at least 12 characters/);
    expect(policy.problem('ñññññ ßßßßß')).toMatch(/at least 12 characters/);
  });

  it.each(['password1234', '123456789012', 'qwertyuiop12', 'Password1234', 'QWERTYUIOP12', 'iloveyou1234'])('refuses the common password %s', (password) => {
    expect(policy.problem(password)).toMatch(/too common/);
  });

  it('refuses one character repeated and absurd lengths', () => {
    expect(policy.problem('zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz')).toMatch(/too common|repeated/);
    expect(policy.problem('€€€€€€€€€€€€')).toMatch(/repeated/);
    expect(policy.problem('x'.repeat(300))).toMatch(/at most/);
  });

  it('refuses with 400 naming the field', () => {
    try {
      policy.check('password1234');
      throw new Error('not refused');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).toBody()).toMatchObject({ code: 'PASSWORD.REJECTED', fields: [{ field: 'password', problems: [expect.stringMatching(/too common/)] }] });
    }
  });
});

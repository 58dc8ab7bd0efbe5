import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { DomainError } from '@sessionledger/common';

export const PASSWORD_MIN_LENGTH = 12;
/** argon2 hashes anything, but a megabyte "password" is a cheap way to burn a core. */
export const PASSWORD_MAX_LENGTH = 256;

/**
 * NIST SP 800-63B: length over composition. At least 12 characters (so a
 * passphrase), any characters (spaces and emoji included, counted as code
 * points after NFKC, the spelling a keyboard on another device produces), no
 * rules about digits or symbols, and never one of the common or breached
 * passwords shipped in `data/common-passwords.txt`, compared case-insensitively
 * because "Password1234" is guessed as early as "password1234".
 */
@Injectable()
export class PasswordPolicy {
  private readonly common: ReadonlySet<string> = loadCommonPasswords();

  /** The reason a password is refused, or null when it may be set. */
  problem(password: string): string | null {
    const normalized = password.normalize('NFKC');
    const length = [...normalized].length;
    if (length < PASSWORD_MIN_LENGTH) return `password must be at least ${PASSWORD_MIN_LENGTH} characters long (a passphrase of a few words is easiest)`;
    if (length > PASSWORD_MAX_LENGTH) return `password must be at most ${PASSWORD_MAX_LENGTH} characters long`;
    if (this.common.has(normalized.toLowerCase())) return 'password is too common: it appears in lists of breached passwords; choose another';
    if (new Set(normalized).size === 1) return 'password must not be one character repeated';
    return null;
  }

  /** Refuses with 400 naming `password` (PASSWORD.REJECTED) when the password may not be set. */
  check(password: string, field = 'password'): void {
    const problem = this.problem(password);
    if (problem) throw new DomainError('invalid', 'PASSWORD.REJECTED', problem, [{ field, problems: [problem] }]);
  }
}

function loadCommonPasswords(): Set<string> {
  const text = readFileSync(join(__dirname, 'data', 'common-passwords.txt'), 'utf8');
  return new Set(
    text
      .split('\n')
      .map((line) => line.trim().toLowerCase())
      .filter((line) => line && !line.startsWith('#')),
  );
}

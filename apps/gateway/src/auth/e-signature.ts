import { Injectable } from '@nestjs/common';
import { Actor } from '@sessionledger/auth';
import { DomainError, Forbidden, invalid } from '@sessionledger/common';
import { Signer } from '@sessionledger/contracts';
import { TenantTransactions } from '@sessionledger/persistence';
import { AuditLog, AuditEntry } from '../audit/audit-log';
import { LoginThrottle } from './login-throttle';
import { Passwords } from './passwords';

/** What a signing route's body carries: the password, or the signing PIN of an account without one. */
export interface SignatureSecret {
  password?: string;
  pin?: string;
}

/** What is being signed, for the log: one session (post, amendment) or a range of days (bulk post). */
export type SigningSubject = { kind: 'post' | 'amendment'; sessionId: string } | { kind: 'bulk-post'; from: string; to: string };

/** The log entry of a signature attempt; success entries are written by the caller once the signed version exists. */
export function signatureEntry(subject: SigningSubject, action: 'session.signature' | 'session.signature.failed', detail: Record<string, unknown>): AuditEntry {
  return subject.kind === 'bulk-post'
    ? { action, subjectType: 'session', detail: { signing: subject.kind, from: subject.from, to: subject.to, ...detail } }
    : { action, subjectType: 'session', subjectId: subject.sessionId, detail: { signing: subject.kind, ...detail } };
}

/**
 * The e-signature: the signed-in user types their password again, or, when
 * the account has none (SSO sign-in only), their signing PIN. It is checked
 * like a sign-in (argon2id, growing delays after repeated failures, so a
 * stolen token cannot be used to guess the secret through the signing
 * routes), but with its own counter per user and method: a stranger's failed
 * sign-ins must not stop a provider from signing, and a mistyped signature
 * must not stop them from signing in.
 */
@Injectable()
export class ESignature {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly passwords: Passwords,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditLog,
  ) {}

  /** A wrong secret, or one refused by the throttle, is logged as a failed signature before the refusal is answered. */
  async confirm(actor: Actor, secret: SignatureSecret, subject: SigningSubject): Promise<Signer> {
    if (secret.password !== undefined && secret.pin !== undefined) {
      throw invalid('pin', 'send either password or pin, not both');
    }
    if (secret.password === undefined && secret.pin === undefined) {
      throw invalid('password', 'password (or, for an account without one, pin) is required');
    }
    const [account] = await this.transactions.run(actor.districtId, (em) =>
      em.execute<{ password_hash: string | null; signing_pin_hash: string | null }[]>('select password_hash, signing_pin_hash from gateway.app_user where id = ?', [
        actor.userId,
      ]),
    );
    // One secret per account, so a PIN never becomes a shorter way around a password.
    const method = account.password_hash ? 'password' : 'pin';
    if (method === 'password' && secret.pin !== undefined) {
      throw new DomainError('unprocessable', 'SIGNATURE.PASSWORD_REQUIRED', 'Your account has a password: sign with it');
    }
    if (method === 'pin' && secret.pin === undefined) {
      throw new DomainError('unprocessable', 'SIGNATURE.PIN_REQUIRED', 'Your account has no password: sign with your signing PIN (PUT /api/me/signing-pin sets one)');
    }
    if (method === 'pin' && !account.signing_pin_hash) {
      throw new DomainError('unprocessable', 'SIGNATURE.PIN_NOT_SET', 'Set a signing PIN first (PUT /api/me/signing-pin)');
    }
    try {
      await this.throttle.admitSignature(actor.userId, method);
      if (method === 'password' && !(await this.passwords.verify(account.password_hash, secret.password!))) {
        throw new Forbidden('SIGNATURE.PASSWORD_INCORRECT', 'The password is not correct: the signature was not applied');
      }
      if (method === 'pin' && !(await this.passwords.verify(account.signing_pin_hash, secret.pin!))) {
        throw new Forbidden('SIGNATURE.PIN_INCORRECT', 'The signing PIN is not correct: the signature was not applied');
      }
    } catch (error) {
      if (error instanceof DomainError) await this.audit.recordApart(actor, [signatureEntry(subject, 'session.signature.failed', { method, reason: error.code })]);
      throw error;
    }
    await this.throttle.recordSignatureSuccess(actor.userId, method);
    return { userId: actor.userId, name: actor.displayName, method };
  }
}

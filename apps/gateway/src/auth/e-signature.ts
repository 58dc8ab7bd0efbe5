import { Injectable } from '@nestjs/common';
import { Actor } from '@sessionledger/auth';
import { Forbidden } from '@sessionledger/common';
import { Signer } from '@sessionledger/contracts';
import { TenantTransactions } from '@sessionledger/persistence';
import { LoginThrottle } from './login-throttle';
import { Passwords } from './passwords';

/**
 * The e-signature: the signed-in user types their password again. It is
 * checked like a sign-in (argon2id, growing delays after repeated failures, so
 * a stolen token cannot be used to guess the password through the signing
 * routes), but with its own counter per user: a stranger's failed sign-ins
 * must not stop a provider from signing, and a mistyped signature must not
 * stop them from signing in.
 */
@Injectable()
export class ESignature {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly passwords: Passwords,
    private readonly throttle: LoginThrottle,
  ) {}

  async confirm(actor: Actor, password: string): Promise<Signer> {
    await this.throttle.admitSignature(actor.userId);
    const [account] = await this.transactions.run(actor.districtId, (em) =>
      em.execute<{ password_hash: string | null }[]>('select password_hash from gateway.app_user where id = ?', [actor.userId]),
    );
    if (!(await this.passwords.verify(account.password_hash, password))) {
      throw new Forbidden('SIGNATURE.PASSWORD_INCORRECT', 'The password is not correct: the signature was not applied');
    }
    await this.throttle.recordSignatureSuccess(actor.userId);
    return { userId: actor.userId, name: actor.displayName };
  }
}

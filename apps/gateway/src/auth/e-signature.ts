import { Injectable } from '@nestjs/common';
import { Actor } from '@sessionledger/auth';
import { Forbidden } from '@sessionledger/common';
import { Signer } from '@sessionledger/contracts';
import { TenantTransactions } from '@sessionledger/persistence';
import { LoginThrottle } from './login-throttle';
import { Passwords } from './passwords';

/**
 * The e-signature: the signed-in user types their password again. It is
 * checked like a sign-in (argon2id, and the same per-account failure count,
 * so a stolen token cannot be used to guess the password through the signing
 * routes; a failed signature also throttles sign-in, and the reverse).
 */
@Injectable()
export class ESignature {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly passwords: Passwords,
    private readonly throttle: LoginThrottle,
  ) {}

  async confirm(actor: Actor, password: string): Promise<Signer> {
    const [account] = await this.transactions.run(actor.districtId, (em) =>
      em.execute<{ email: string; password_hash: string | null }[]>('select email, password_hash from gateway.app_user where id = ?', [actor.userId]),
    );
    await this.throttle.admitAccount(account.email);
    if (!(await this.passwords.verify(account.password_hash, password))) {
      await this.throttle.recordFailure(account.email);
      throw new Forbidden('SIGNATURE.PASSWORD_INCORRECT', 'The password is not correct: the signature was not applied');
    }
    await this.throttle.recordSuccess(account.email);
    return { userId: actor.userId, name: actor.displayName };
  }
}

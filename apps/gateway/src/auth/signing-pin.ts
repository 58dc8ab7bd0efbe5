import { Body, Controller, Injectable, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { Actor, AUTHENTICATED, CurrentActor, Roles } from '@sessionledger/auth';
import { DomainError, Forbidden, invalid } from '@sessionledger/common';
import { TenantTransactions } from '@sessionledger/persistence';
import { NoIdempotentReplay } from '../http/idempotency.interceptor';
import { Operation } from '../http/openapi';
import { LoginThrottle } from './login-throttle';
import { Passwords } from './passwords';

const PIN = /^\d{6,12}$/;

export class SetSigningPinRequest {
  @ApiProperty({ description: '6 to 12 digits, not a run (123456) or a repeat (000000, 121212)', pattern: PIN.source, example: '730519' })
  @Matches(PIN, { message: 'pin must be 6 to 12 digits' })
  pin: string;

  @ApiPropertyOptional({ description: 'The PIN in force; required to change one', pattern: PIN.source, example: '284616' })
  @IsOptional()
  @Matches(PIN, { message: 'currentPin must be 6 to 12 digits' })
  currentPin?: string;
}

/** Why a PIN is too easy to guess, or undefined: a straight run up or down, or a repeat of 1–3 digits. */
export function trivialPinProblem(pin: string): string | undefined {
  const digits = [...pin].map(Number);
  const steps = new Set(digits.slice(1).map((digit, i) => digit - digits[i]));
  if (steps.size === 1 && (steps.has(1) || steps.has(-1))) return 'must not be a run of digits such as 123456';
  for (const period of [1, 2, 3]) {
    if (pin.length % period === 0 && pin.slice(0, period).repeat(pin.length / period) === pin) return 'must not repeat a digit or a short group such as 000000 or 121212';
  }
  return undefined;
}

/**
 * The e-signature of an account without a password (one that signs in with
 * SSO only): a signing PIN, stored as argon2id like a password, checked with
 * its own failure counter. An account with a password signs with it instead.
 */
@Injectable()
export class SigningPins {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly passwords: Passwords,
    private readonly throttle: LoginThrottle,
  ) {}

  async set(actor: Actor, request: SetSigningPinRequest): Promise<void> {
    const trivial = trivialPinProblem(request.pin);
    if (trivial) throw invalid('pin', trivial);
    const account = await this.account(actor);
    if (account.password_hash) {
      throw new DomainError('unprocessable', 'SIGNING_PIN.HAS_PASSWORD', 'Your account has a password: it is your e-signature, so no signing PIN is needed');
    }
    if (account.signing_pin_hash) {
      if (request.currentPin === undefined) throw invalid('currentPin', 'currentPin is required to change the signing PIN');
      await this.throttle.admitSignature(actor.userId, 'pin');
      if (!(await this.passwords.verify(account.signing_pin_hash, request.currentPin))) {
        throw new Forbidden('SIGNING_PIN.INCORRECT', 'The current signing PIN is not correct');
      }
      await this.throttle.recordSignatureSuccess(actor.userId, 'pin');
    }
    const hash = await this.passwords.hash(request.pin);
    await this.transactions.run(actor.districtId, (em) => em.execute(`update gateway.app_user set signing_pin_hash = ? where id = ?`, [hash, actor.userId]));
  }

  private async account(actor: Actor): Promise<{ password_hash: string | null; signing_pin_hash: string | null }> {
    const [account] = await this.transactions.run(actor.districtId, (em) =>
      em.execute<{ password_hash: string | null; signing_pin_hash: string | null }[]>(`select password_hash, signing_pin_hash from gateway.app_user where id = ?`, [actor.userId]),
    );
    return account;
  }
}

@ApiTags('me')
@ApiBearerAuth()
@Controller('me/signing-pin')
@NoIdempotentReplay()
export class SigningPinController {
  constructor(private readonly pins: SigningPins) {}

  @Roles(...AUTHENTICATED)
  @Put()
  @Operation({ summary: 'Set or change your signing PIN (accounts without a password: SSO sign-in only)', answer: null, status: 204, errors: [403, 422] })
  set(@CurrentActor() actor: Actor, @Body() body: SetSigningPinRequest): Promise<void> {
    return this.pins.set(actor, body);
  }
}

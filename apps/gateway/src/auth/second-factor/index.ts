import { SigningPinController, SigningPins } from '../signing-pin';
import { MfaChallenges } from './mfa-challenges';
import { MfaSignInUseCase } from './mfa-sign-in';
import { DistrictSecurityController, MfaController, MfaSignInController } from './second-factor.controller';
import { SecondFactorGate } from './second-factor.gate';
import { ConfirmTotpUseCase, DistrictSecurityService } from './second-factor.use-cases';
import { SecondFactors } from './second-factors';

/** Second factors (TOTP, recovery codes, the district's requirement) and the signing PIN: registered in AuthModule beside sign-in. */
export const SECOND_FACTOR_CONTROLLERS = [MfaController, MfaSignInController, DistrictSecurityController, SigningPinController];
export const SECOND_FACTOR_PROVIDERS = [
  SecondFactors,
  SecondFactorGate,
  MfaChallenges,
  MfaSignInUseCase,
  ConfirmTotpUseCase,
  DistrictSecurityService,
  SigningPins,
];

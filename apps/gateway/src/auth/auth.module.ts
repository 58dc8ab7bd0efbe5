import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessGuard } from './access.guard';
import { API_CLIENT_CONTROLLERS, API_CLIENT_PROVIDERS } from './api-clients';
import { AccessTokens } from './access-tokens';
import { ActorLoader } from './actor.loader';
import { AuthController } from './auth.controller';
import { ESignature } from './e-signature';
import { LoginThrottle } from './login-throttle';
import { PasswordPolicy } from './password-policy';
import { Passwords } from './passwords';
import { RefreshTokens } from './refresh-tokens';
import { SECOND_FACTOR_CONTROLLERS, SECOND_FACTOR_PROVIDERS } from './second-factor';
import { MySignInsController, UserSignInsController } from './sign-ins/sign-ins.controller';
import { SignInsService } from './sign-ins/sign-ins.service';
import { DistrictSsoController } from './sso/district-sso.controller';
import { DistrictSsoService } from './sso/district-sso.service';
import { OidcProviders } from './sso/oidc-providers';
import { SsoController } from './sso/sso.controller';
import { SsoSecrets } from './sso/sso-secrets';
import { SsoSignIn } from './sso/sso-sign-in';
import { RefreshSessionUseCase } from './use-cases/refresh-session.use-case';
import { SignInUseCase } from './use-cases/sign-in.use-case';
import { SignOutUseCase } from './use-cases/sign-out.use-case';

@Module({
  controllers: [AuthController, SsoController, DistrictSsoController, MySignInsController, UserSignInsController, ...API_CLIENT_CONTROLLERS, ...SECOND_FACTOR_CONTROLLERS],
  providers: [
    AccessTokens,
    ActorLoader,
    ESignature,
    LoginThrottle,
    Passwords,
    PasswordPolicy,
    RefreshTokens,
    SignInUseCase,
    RefreshSessionUseCase,
    SignOutUseCase,
    SignInsService,
    DistrictSsoService,
    OidcProviders,
    SsoSecrets,
    SsoSignIn,
    ...API_CLIENT_PROVIDERS,
    ...SECOND_FACTOR_PROVIDERS,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [Passwords, PasswordPolicy, RefreshTokens, ESignature],
})
export class AuthModule {}

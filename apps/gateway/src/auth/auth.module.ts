import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessGuard } from './access.guard';
import { AccessTokens } from './access-tokens';
import { ActorLoader } from './actor.loader';
import { AuthController } from './auth.controller';
import { ESignature } from './e-signature';
import { LoginThrottle } from './login-throttle';
import { Passwords } from './passwords';
import { RefreshTokens } from './refresh-tokens';
import { RefreshSessionUseCase } from './use-cases/refresh-session.use-case';
import { SignInUseCase } from './use-cases/sign-in.use-case';
import { SignOutUseCase } from './use-cases/sign-out.use-case';

@Module({
  controllers: [AuthController],
  providers: [
    AccessTokens,
    ActorLoader,
    ESignature,
    LoginThrottle,
    Passwords,
    RefreshTokens,
    SignInUseCase,
    RefreshSessionUseCase,
    SignOutUseCase,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [Passwords, RefreshTokens, ESignature],
})
export class AuthModule {}

import { Body, Controller, Post, Req, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '@sessionledger/auth';
import { NoIdempotentReplay } from '../http/idempotency.interceptor';
import { Operation } from '../http/openapi';
import { RefreshRequest, SignInRequest, TokenPair } from './dto/auth.dto';
import { JsonOnlyGuard } from './json-only.guard';
import { MfaChallenge, LoginReply } from './second-factor/second-factor.dto';
import { signInClient } from './sign-ins/device-label';
import { RefreshSessionUseCase } from './use-cases/refresh-session.use-case';
import { SignInUseCase } from './use-cases/sign-in.use-case';
import { SignOutUseCase } from './use-cases/sign-out.use-case';

/*
 * No idempotent replay: a replayed answer would hand out live tokens again and
 * let a spent refresh token pass without reuse detection.
 */
@ApiTags('auth')
@Controller('auth')
@UseGuards(JsonOnlyGuard)
@NoIdempotentReplay()
export class AuthController {
  constructor(
    private readonly signIn: SignInUseCase,
    private readonly refresh: RefreshSessionUseCase,
    private readonly signOut: SignOutUseCase,
  ) {}

  @Public()
  @Post('login')
  @Operation({
    summary: 'Sign in with e-mail and password: the token pair, or for an account with an authenticator an mfaToken for POST /api/auth/mfa',
    answer: LoginReply,
    errors: [401],
    isPublic: true,
  })
  login(@Body() body: SignInRequest, @Req() request: FastifyRequest): Promise<TokenPair | MfaChallenge> {
    return this.signIn.execute(body, signInClient(request));
  }

  @Public()
  @Post('refresh')
  @Operation({
    summary: 'Trade a refresh token for a new token pair',
    description: 'The refresh token is single use; presenting a spent one revokes the whole sign-in.',
    answer: TokenPair,
    errors: [401],
    isPublic: true,
  })
  rotate(@Body() body: RefreshRequest, @Req() request: FastifyRequest): Promise<TokenPair> {
    return this.refresh.execute(body, signInClient(request));
  }

  @Public()
  @Post('logout')
  @Operation({ summary: 'Sign out', description: 'Revokes the refresh token (and the sign-in it belongs to).', answer: null, status: 204, isPublic: true })
  logout(@Body() body: RefreshRequest): Promise<void> {
    return this.signOut.execute(body);
  }
}

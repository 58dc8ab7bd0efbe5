import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '@sessionledger/auth';
import { NoIdempotentReplay } from '../http/idempotency.interceptor';
import { RefreshRequest, SignInRequest, TokenPair } from './dto/auth.dto';
import { JsonOnlyGuard } from './json-only.guard';
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
  @HttpCode(200)
  login(@Body() body: SignInRequest, @Req() request: FastifyRequest): Promise<TokenPair> {
    return this.signIn.execute(body, request.ip);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  rotate(@Body() body: RefreshRequest): Promise<TokenPair> {
    return this.refresh.execute(body);
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  logout(@Body() body: RefreshRequest): Promise<void> {
    return this.signOut.execute(body);
  }
}

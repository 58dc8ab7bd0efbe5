import { Body, Controller, Get, HttpCode, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '@sessionledger/auth';
import { Environment } from '@sessionledger/config';
import { NoIdempotentReplay } from '../../http/idempotency.interceptor';
import { TokenPair } from '../dto/auth.dto';
import { JsonOnlyGuard } from '../json-only.guard';
import { SsoExchangeRequest } from './district-sso.dto';
import { SsoSignIn } from './sso-sign-in';

const BINDING_COOKIE = 'sl_sso_binding';

/*
 * Tokens never travel in a URL: the callback hands the browser a one-time code
 * in the app URL's fragment (never sent to a server, never in a Referer), and
 * the app trades it for the token pair with a JSON POST, like a password sign-in.
 */
@ApiTags('auth')
@Controller('auth/sso')
@NoIdempotentReplay()
export class SsoController {
  constructor(
    private readonly sso: SsoSignIn,
    private readonly env: Environment,
  ) {}

  @Public()
  @Get('callback')
  async callback(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const code = await this.sso.callback(request.url, readCookie(request.headers.cookie, BINDING_COOKIE));
    const target = new URL(this.env.SSO_APP_URL);
    target.hash = `sso_code=${code}`;
    await reply.code(303).header('set-cookie', this.bindingCookie('', 0)).header('location', target.toString()).send();
  }

  @Public()
  @Get(':district/start')
  async start(@Param('district') district: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const { authorizationUrl, binding } = await this.sso.start(district, request.ip);
    await reply.code(302).header('set-cookie', this.bindingCookie(binding, 600)).header('location', authorizationUrl).send();
  }

  @Public()
  @Post('exchange')
  @HttpCode(200)
  @UseGuards(JsonOnlyGuard)
  exchange(@Body() body: SsoExchangeRequest): Promise<TokenPair> {
    return this.sso.exchange(body.code);
  }

  // Lax: the provider's redirect back is a top-level navigation, which Lax cookies follow; other sites' subrequests do not carry it.
  private bindingCookie(value: string, maxAge: number): string {
    const secure = this.env.SSO_REDIRECT_URI.startsWith('https:') ? '; Secure' : '';
    const path = new URL(this.env.SSO_REDIRECT_URI).pathname;
    return `${BINDING_COOKIE}=${value}; Path=${path}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure}`;
  }
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=') || undefined;
  }
  return undefined;
}

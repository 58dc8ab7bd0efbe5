import { Body, Controller, Get, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '@sessionledger/auth';
import { Environment } from '@sessionledger/config';
import { NoIdempotentReplay } from '../../http/idempotency.interceptor';
import { Operation, Redirect } from '../../http/openapi';
import { TokenPair } from '../dto/auth.dto';
import { JsonOnlyGuard } from '../json-only.guard';
import { MfaChallenge, LoginReply } from '../second-factor/second-factor.dto';
import { signInClient } from '../sign-ins/device-label';
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
  @Operation({
    summary: 'Return from the identity provider',
    description: 'The provider redirects the browser here; answers 303 to the app URL with a one-time code in the fragment (`#sso_code=…`) for POST /api/auth/sso/exchange.',
    answer: Redirect('The app URL with `#sso_code=…`'),
    status: 303,
    errors: [401, 403, 404, 503],
    isPublic: true,
  })
  @ApiQuery({ name: 'state', required: false, schema: { type: 'string', maxLength: 500 }, description: 'As the provider returns it' })
  @ApiQuery({ name: 'code', required: false, schema: { type: 'string', maxLength: 2048 }, description: 'As the provider returns it' })
  @ApiQuery({ name: 'error', required: false, schema: { type: 'string', maxLength: 500 }, description: 'Set by the provider when it refused the sign-in' })
  async callback(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const code = await this.sso.callback(request.url, readCookie(request.headers.cookie, BINDING_COOKIE));
    const target = new URL(this.env.SSO_APP_URL);
    target.hash = `sso_code=${code}`;
    await reply.code(303).header('set-cookie', this.bindingCookie('', 0)).header('location', target.toString()).send();
  }

  @Public()
  @Get(':district/start')
  @Operation({
    summary: 'Start a single sign-on',
    description: 'Answers 302 to the district’s identity provider; open it in the browser (a top-level navigation), never with fetch.',
    answer: Redirect('The identity provider’s authorization URL'),
    status: 302,
    errors: [404, 503],
    isPublic: true,
  })
  @ApiParam({ name: 'district', description: 'The district’s SSO slug or id', schema: { type: 'string', minLength: 2, maxLength: 63, pattern: '^[A-Za-z0-9][A-Za-z0-9-]{1,62}$' } })
  async start(@Param('district') district: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const { authorizationUrl, binding } = await this.sso.start(district, request.ip);
    await reply.code(302).header('set-cookie', this.bindingCookie(binding, 600)).header('location', authorizationUrl).send();
  }

  @Public()
  @Post('exchange')
  @Operation({
    summary: 'Trade a single sign-on code for a token pair (or, for an account with an authenticator, an mfaToken for POST /api/auth/mfa)',
    answer: LoginReply,
    errors: [401, 403],
    isPublic: true,
  })
  @UseGuards(JsonOnlyGuard)
  exchange(@Body() body: SsoExchangeRequest, @Req() request: FastifyRequest): Promise<TokenPair | MfaChallenge> {
    return this.sso.exchange(body.code, signInClient(request));
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

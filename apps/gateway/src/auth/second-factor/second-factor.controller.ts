import { Body, Controller, Delete, Get, Post, Put, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Actor, AUTHENTICATED, CurrentActor, Public, Roles } from '@sessionledger/auth';
import { NoIdempotentReplay } from '../../http/idempotency.interceptor';
import { Operation } from '../../http/openapi';
import { TokenPair } from '../dto/auth.dto';
import { JsonOnlyGuard } from '../json-only.guard';
import { signInClient } from '../sign-ins/device-label';
import { MfaSignInUseCase } from './mfa-sign-in';
import { AuthenticatedRequest, SecondFactorEnrolment } from './second-factor.gate';
import {
  DistrictSecurityReply,
  MfaSignInRequest,
  MfaStatusReply,
  PutDistrictSecurityRequest,
  RecoveryCodesReply,
  SecondFactorProofRequest,
  TotpCodeRequest,
  TotpConfirmReply,
  TotpEnrolmentReply,
} from './second-factor.dto';
import { ConfirmTotpUseCase, DistrictSecurityService } from './second-factor.use-cases';
import { SecondFactors } from './second-factors';

/*
 * Never replayed for an Idempotency-Key: the answers hold a secret, recovery
 * codes or tokens, which must not be stored, and each code works once.
 */
@ApiTags('me')
@ApiBearerAuth()
@Controller('me/mfa')
@NoIdempotentReplay()
export class MfaController {
  constructor(
    private readonly factors: SecondFactors,
    private readonly confirmTotp: ConfirmTotpUseCase,
  ) {}

  @Roles(...AUTHENTICATED)
  @SecondFactorEnrolment()
  @Get()
  @Operation({ summary: 'Your second factor: enrolled, pending, recovery codes left, required by the district', answer: MfaStatusReply })
  status(@CurrentActor() actor: Actor): Promise<MfaStatusReply> {
    return this.factors.status(actor);
  }

  @Roles(...AUTHENTICATED)
  @SecondFactorEnrolment()
  @Post('totp')
  @Operation({ summary: 'Start enrolling an authenticator app (TOTP): a secret and its QR code URI, pending until confirmed', answer: TotpEnrolmentReply, errors: [403, 503] })
  begin(@CurrentActor() actor: Actor, @Req() request: AuthenticatedRequest): Promise<TotpEnrolmentReply> {
    return this.factors.begin(actor, request.authMethods ?? []);
  }

  @Roles(...AUTHENTICATED)
  @SecondFactorEnrolment()
  @Post('totp/confirm')
  @Operation({
    summary: 'Activate the pending authenticator with its current code: ten recovery codes (shown once) and a sign-in proven with it',
    answer: TotpConfirmReply,
    errors: [409, 422, 503],
  })
  confirm(@CurrentActor() actor: Actor, @Body() body: TotpCodeRequest, @Req() request: FastifyRequest & AuthenticatedRequest): Promise<TotpConfirmReply> {
    return this.confirmTotp.execute(actor, request.authMethods ?? [], body.code, signInClient(request));
  }

  @Roles(...AUTHENTICATED)
  @Delete()
  @Operation({ summary: 'Remove your authenticator and recovery codes (needs a current code or a recovery code)', answer: null, status: 204, errors: [409, 422, 503] })
  disable(@CurrentActor() actor: Actor, @Body() body: SecondFactorProofRequest): Promise<void> {
    return this.factors.disable(actor, body);
  }

  @Roles(...AUTHENTICATED)
  @Post('recovery-codes')
  @Operation({ summary: 'Replace your recovery codes with ten new ones (needs a current code or a recovery code)', answer: RecoveryCodesReply, errors: [409, 422, 503] })
  async regenerate(@CurrentActor() actor: Actor, @Body() body: SecondFactorProofRequest): Promise<RecoveryCodesReply> {
    return { recoveryCodes: await this.factors.regenerateRecoveryCodes(actor, body) };
  }
}

@ApiTags('auth')
@Controller('auth/mfa')
@UseGuards(JsonOnlyGuard)
@NoIdempotentReplay()
export class MfaSignInController {
  constructor(private readonly mfaSignIn: MfaSignInUseCase) {}

  @Public()
  @Post()
  @Operation({
    summary: 'Finish a sign-in with its second factor: the mfaToken and a code (or a recovery code) for the token pair',
    answer: TokenPair,
    isPublic: true,
    errors: [401, 422, 503],
  })
  complete(@Body() body: MfaSignInRequest, @Req() request: FastifyRequest): Promise<TokenPair> {
    return this.mfaSignIn.execute(body, signInClient(request));
  }
}

@ApiTags('district')
@ApiBearerAuth()
@Controller('district/security')
export class DistrictSecurityController {
  constructor(private readonly security: DistrictSecurityService) {}

  @Roles('district_admin')
  @Get()
  @Operation({ summary: 'The district’s security settings (second factor required for admins and payroll)', answer: DistrictSecurityReply, errors: [403] })
  get(@CurrentActor() actor: Actor): Promise<DistrictSecurityReply> {
    return this.security.get(actor);
  }

  @Roles('district_admin')
  @Put()
  @Operation({
    summary: 'Set the district’s security settings; requiring a second factor ends its admins’ and payroll’s sign-ins made without one',
    answer: DistrictSecurityReply,
    errors: [403],
  })
  put(@CurrentActor() actor: Actor, @Body() body: PutDistrictSecurityRequest, @Req() request: { signInId?: string }): Promise<DistrictSecurityReply> {
    return this.security.put(actor, body, request.signInId);
  }
}

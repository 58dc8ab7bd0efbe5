import { Body, Controller, Get, HttpCode, Post, Res, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Actor, CurrentActor, Public, Roles } from '@sessionledger/auth';
import { Forbidden, ValidationFailed } from '@sessionledger/common';
import { JsonOnlyGuard } from '../auth/json-only.guard';
import { IdParam } from '../http/id-param';
import { NoIdempotentReplay } from '../http/idempotency.interceptor';
import { CreateInvitationRequest, InvitationResponse, PasswordResetRequest, SetPasswordRequest } from './accounts.dto';
import { AccountsService } from './accounts.service';
import { InvitationBatches, InvitationBatchResponse } from './invitation-batches';

@ApiTags('invitations')
@Controller('invitations')
export class InvitationsController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly batches: InvitationBatches,
  ) {}

  @Roles('district_admin', 'school_admin')
  @Post()
  @HttpCode(201)
  async invite(
    @CurrentActor() actor: Actor,
    @Body() body: CreateInvitationRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<InvitationResponse | InvitationBatchResponse> {
    if (body.rosterImportId === undefined) return this.accounts.invite(actor, body);
    if (Object.keys(body).some((key) => key !== 'rosterImportId' && body[key as keyof CreateInvitationRequest] !== undefined)) {
      throw new ValidationFailed([{ field: 'rosterImportId', problems: ['rosterImportId is sent alone'] }]);
    }
    // Roster imports are the district admin's: a school admin cannot see them, so cannot invite from one.
    if (!actor.isDistrictAdmin) throw new Forbidden('INVITATION.BULK_DISTRICT_ADMIN', 'Only district admins invite everyone a roster import created');
    reply.status(202);
    return this.batches.start(actor, body.rosterImportId);
  }

  @Roles('district_admin')
  @Get('batches/:id')
  batch(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<InvitationBatchResponse> {
    return this.batches.get(actor, id);
  }

  /* JSON only, so another site's form cannot set a password; never replayed: the link is single-use. */
  @Public()
  @Post('accept')
  @HttpCode(204)
  @UseGuards(JsonOnlyGuard)
  @NoIdempotentReplay()
  accept(@Body() body: SetPasswordRequest): Promise<void> {
    return this.accounts.acceptInvitation(body);
  }
}

@ApiTags('auth')
@Controller('auth/password-reset')
@UseGuards(JsonOnlyGuard)
@NoIdempotentReplay()
export class PasswordResetController {
  constructor(private readonly accounts: AccountsService) {}

  @Public()
  @Post()
  @HttpCode(202)
  request(@Body() body: PasswordResetRequest): void {
    this.accounts.requestReset(body);
  }

  @Public()
  @Post('confirm')
  @HttpCode(204)
  confirm(@Body() body: SetPasswordRequest): Promise<void> {
    return this.accounts.confirmReset(body);
  }
}

import { Body, Controller, Get, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Actor, CurrentActor, Public, Roles } from '@sessionledger/auth';
import { Forbidden, invalid } from '@sessionledger/common';
import { JsonOnlyGuard } from '../auth/json-only.guard';
import { IdParam } from '../http/id-param';
import { NoIdempotentReplay } from '../http/idempotency.interceptor';
import { Operation } from '../http/openapi';
import { CreateInvitationRequest, InvitationResponse, PasswordResetRequest, SetPasswordRequest } from './accounts.dto';
import { AccountsService } from './accounts.service';
import { InvitationBatches, InvitationBatchResponse } from './invitation-batches';

@ApiTags('invitations')
@ApiBearerAuth()
@Controller('invitations')
export class InvitationsController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly batches: InvitationBatches,
  ) {}

  @Roles('district_admin', 'school_admin')
  @Post()
  @Operation({
    summary: 'Invite a person to sign in',
    description:
      'One staff member, guardian or student: 201 with the invitation. Or `rosterImportId` alone (district admins): 202 with a batch inviting everyone that import created; read its progress at GET /api/invitations/batches/{id}.',
    answer: InvitationResponse,
    status: 201,
    errors: [404, 409, 503],
  })
  @ApiResponse({ status: 202, description: 'Accepted: a batch for everyone the roster import created', type: InvitationBatchResponse })
  async invite(
    @CurrentActor() actor: Actor,
    @Body() body: CreateInvitationRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<InvitationResponse | InvitationBatchResponse> {
    if (body.rosterImportId === undefined) return this.accounts.invite(actor, body);
    if (Object.keys(body).some((key) => key !== 'rosterImportId' && body[key as keyof CreateInvitationRequest] !== undefined)) {
      throw invalid('rosterImportId', 'rosterImportId is sent alone');
    }
    // Roster imports are the district admin's: a school admin cannot see them, so cannot invite from one.
    if (!actor.isDistrictAdmin) throw new Forbidden('INVITATION.BULK_DISTRICT_ADMIN', 'Only district admins invite everyone a roster import created');
    reply.status(202);
    return this.batches.start(actor, body.rosterImportId);
  }

  @Roles('district_admin')
  @Get('batches/:id')
  @Operation({ summary: 'Read an invitation batch', answer: InvitationBatchResponse, errors: [404] })
  batch(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<InvitationBatchResponse> {
    return this.batches.get(actor, id);
  }

  /* JSON only, so another site's form cannot set a password; never replayed: the link is single-use. */
  @Public()
  @Post('accept')
  @Operation({ summary: 'Accept an invitation by setting a password', answer: null, status: 204, isPublic: true })
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
  @Operation({
    summary: 'Ask for a password reset e-mail',
    description: 'Always 202, whether or not the address has an account, so the answer tells nobody who has one.',
    answer: null,
    status: 202,
    isPublic: true,
  })
  request(@Body() body: PasswordResetRequest): void {
    this.accounts.requestReset(body);
  }

  @Public()
  @Post('confirm')
  @Operation({ summary: 'Set a new password with the link’s token', answer: null, status: 204, isPublic: true })
  confirm(@Body() body: SetPasswordRequest): Promise<void> {
    return this.accounts.confirmReset(body);
  }
}

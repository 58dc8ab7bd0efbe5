import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { ValidationFailed } from '@sessionledger/common';
import {
  AMEND_SESSION,
  AmendmentBody,
  BULK_POST_SESSIONS,
  BulkPostCursor,
  BulkPostReply,
  IsCalendarDate,
  LIST_SESSION_VERSIONS,
  POST_SESSION,
  PostReply,
  SessionVersionReply,
} from '@sessionledger/contracts';
import { ServiceBus } from '@sessionledger/messaging';
import { ESignature } from '../auth/e-signature';
import { IdParam } from '../http/id-param';
import { SessionsService } from './sessions.service';

export class SignatureRequest {
  /** The signer's own password: the e-signature. */
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password: string;
}

export class BulkPostRequest extends SignatureRequest {
  @IsCalendarDate()
  from: string;

  @IsCalendarDate()
  to: string;
}

export class AmendRequest extends AmendmentBody {
  /** The signer's own password: the e-signature. */
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password: string;
}

/**
 * Posting: the gateway checks the e-signature (the password, throttled like a
 * sign-in) and session-log does the rest — complete or refused, signed,
 * hashed, frozen, and announced through its outbox.
 */
@ApiTags('sessions')
@ApiBearerAuth()
@Controller('sessions')
export class PostingController {
  constructor(
    private readonly bus: ServiceBus,
    private readonly signature: ESignature,
    private readonly sessions: SessionsService,
  ) {}

  @Roles('provider')
  @Post('bulk-post')
  @HttpCode(200)
  async bulkPost(@CurrentActor() actor: Actor, @Body() body: BulkPostRequest): Promise<BulkPostReply> {
    // A bad range is refused before the password is tried, so it costs no throttle attempt.
    if (body.to < body.from) throw new ValidationFailed([{ field: 'to', problems: [`must be on or after from (${body.from})`] }]);
    const signer = await this.signature.confirm(actor, body.password);
    // One signature check, then batches: each bus command stays short whatever the range.
    const reply: BulkPostReply = { posted: [], incomplete: [] };
    let after: BulkPostCursor | undefined;
    do {
      const batch = await this.bus.send(BULK_POST_SESSIONS, { actor: actor.snapshot(), from: body.from, to: body.to, after, signer });
      reply.posted.push(...batch.posted);
      reply.incomplete.push(...batch.incomplete);
      after = batch.next ?? undefined;
    } while (after);
    return reply;
  }

  @Roles('provider')
  @Post(':id/post')
  @HttpCode(200)
  async post(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: SignatureRequest): Promise<PostReply> {
    const signer = await this.signature.confirm(actor, body.password);
    return this.bus.send(POST_SESSION, { actor: actor.snapshot(), sessionId: id, signer });
  }

  @Roles('provider', 'school_admin', 'district_admin')
  @Post(':id/amendments')
  async amend(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: AmendRequest): Promise<PostReply> {
    const signer = await this.signature.confirm(actor, body.password);
    const { password: _password, ...amendment } = body;
    const workOrder = body.changes.workOrderId ? await this.sessions.workOrderFor(actor, id, body.changes.workOrderId, 'changes.workOrderId') : undefined;
    return this.bus.send(AMEND_SESSION, { actor: actor.snapshot(), sessionId: id, body: amendment, workOrder, signer });
  }

  @Roles('provider', 'school_admin', 'district_admin')
  @Get(':id/versions')
  versions(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<SessionVersionReply[]> {
    return this.bus.send(LIST_SESSION_VERSIONS, { actor: actor.snapshot(), sessionId: id });
  }
}

import { Body, Controller, Get, Logger, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { invalid, Page, SyncPageQuery } from '@sessionledger/common';
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
import { AuditLog } from '../audit/audit-log';
import { ESignature, signatureEntry, SigningSubject } from '../auth/e-signature';
import { IdParam } from '../http/id-param';
import { Operation, Paged } from '../http/openapi';
import { SessionsService } from './sessions.service';

const PASSWORD_DOC = { minLength: 1, maxLength: 1024, format: 'password', description: 'The signer’s own password: the e-signature', example: 'correct horse battery staple' };

const PIN_DOC = {
  pattern: '^\\d{6,12}$',
  description: 'Instead of password, for an account without one (SSO sign-in only): the signing PIN',
  example: '730519',
};

/** The e-signature: `password`, or for an account without one `pin` (exactly one). */
export class SignatureRequest {
  /** The signer's own password: the e-signature. */
  @ApiPropertyOptional(PASSWORD_DOC)
  @ValidateIf((body: SignatureRequest) => body.pin === undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password?: string;

  @ApiPropertyOptional(PIN_DOC)
  @IsOptional()
  @Matches(/^\d{6,12}$/, { message: 'pin must be 6 to 12 digits' })
  pin?: string;
}

export class BulkPostRequest extends SignatureRequest {
  @ApiProperty({ format: 'date', description: 'First session day (sessionDate, YYYY-MM-DD, district-local)', example: '2026-11-30' })
  @IsCalendarDate()
  from: string;

  @ApiProperty({ format: 'date', description: 'Last session day (YYYY-MM-DD, district-local), on or after from', example: '2026-12-04' })
  @IsCalendarDate()
  to: string;
}

export class AmendRequest extends AmendmentBody {
  /** The signer's own password: the e-signature. */
  @ApiPropertyOptional(PASSWORD_DOC)
  @ValidateIf((body: AmendRequest) => body.pin === undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password?: string;

  @ApiPropertyOptional(PIN_DOC)
  @IsOptional()
  @Matches(/^\d{6,12}$/, { message: 'pin must be 6 to 12 digits' })
  pin?: string;
}

const SIGNING_ERRORS =
  '403 SIGNATURE.PASSWORD_INCORRECT (SIGNATURE.PIN_INCORRECT) for a wrong password (PIN); 429 SIGNATURE.THROTTLED after repeated failures; 422 SIGNATURE.PIN_REQUIRED / PIN_NOT_SET / PASSWORD_REQUIRED when the account signs the other way.';

/**
 * Posting: the gateway checks the e-signature (the password, throttled like a
 * sign-in) and session-log does the rest — complete or refused, signed,
 * hashed, frozen, and announced through its outbox.
 *
 * Posting and amending are the same kind of act — signing a new version of a
 * session that exists — so both answer 200 with the signed version.
 */
@ApiTags('sessions')
@ApiBearerAuth()
@Controller('sessions')
export class PostingController {
  private readonly logger = new Logger(PostingController.name);

  constructor(
    private readonly bus: ServiceBus,
    private readonly signature: ESignature,
    private readonly sessions: SessionsService,
    private readonly audit: AuditLog,
  ) {}

  /** One entry per signed version, written once session-log has it: a signature that was refused afterwards signed nothing. */
  private async logSigned(actor: Actor, subject: SigningSubject, posted: PostReply[], method: string | undefined): Promise<void> {
    try {
      await this.audit.recordApart(
        actor,
        posted.map((reply) => ({ ...signatureEntry(subject, 'session.signature', { method: method ?? null, version: reply.version }), subjectId: reply.sessionId })),
      );
    } catch (error) {
      // The signed version already carries who signed and when (session-log): answering 500 for a session that is
      // posted would only have the provider sign again into a 409. The missing entry is logged for the operators.
      this.logger.error(
        { sessions: posted.map((reply) => reply.sessionId), err: { message: (error as Error).message } },
        'the audit entry of a signature could not be written; the signed versions record it',
      );
    }
  }

  @Roles('provider')
  @Post('bulk-post')
  @Operation({
    summary: 'Sign and post every complete session of a date range',
    description: `Each session gets its own signature; incomplete ones are listed with their problems and left as they were. ${SIGNING_ERRORS}`,
    answer: BulkPostReply,
    errors: [403, 422, 503],
  })
  async bulkPost(@CurrentActor() actor: Actor, @Body() body: BulkPostRequest): Promise<BulkPostReply> {
    // A bad range is refused before the password is tried, so it costs no throttle attempt.
    if (body.to < body.from) throw invalid('to', `must be on or after from (${body.from})`);
    const subject: SigningSubject = { kind: 'bulk-post', from: body.from, to: body.to };
    const signer = await this.signature.confirm(actor, body, subject);
    // One signature check, then batches: each bus command stays short whatever the range.
    const reply: BulkPostReply = { posted: [], incomplete: [] };
    let after: BulkPostCursor | undefined;
    do {
      const batch = await this.bus.send(BULK_POST_SESSIONS, { actor: actor.snapshot(), from: body.from, to: body.to, after, signer });
      reply.posted.push(...batch.posted);
      reply.incomplete.push(...batch.incomplete);
      after = batch.next ?? undefined;
    } while (after);
    await this.logSigned(actor, subject, reply.posted, signer.method);
    return reply;
  }

  @Roles('provider')
  @Post(':id/post')
  @Operation({
    summary: 'Sign and post a session',
    description: `Version 1. Not postable → 422 SESSION.NOT_POSTABLE (details.problems); another provider’s → 403 SESSION.NOT_SIGNER; already posted → 409 SESSION.ALREADY_POSTED. ${SIGNING_ERRORS}`,
    answer: PostReply,
    errors: [403, 404, 409, 422, 503],
  })
  async post(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: SignatureRequest): Promise<PostReply> {
    const subject: SigningSubject = { kind: 'post', sessionId: id };
    const signer = await this.signature.confirm(actor, body, subject);
    const posted = await this.bus.send(POST_SESSION, { actor: actor.snapshot(), sessionId: id, signer });
    await this.logSigned(actor, subject, [posted], signer.method);
    return posted;
  }

  @Roles('provider', 'school_admin', 'district_admin')
  @Post(':id/amendments')
  @Operation({
    summary: 'Sign an amendment of a posted session',
    description: `Version n+1, answered 200 like posting. A stale basedOnVersion → 409 SESSION.STALE; not posted → 409 SESSION.NOT_POSTED; the result not postable → 422 SESSION.NOT_POSTABLE. ${SIGNING_ERRORS}`,
    answer: PostReply,
    errors: [403, 404, 409, 422, 503],
  })
  async amend(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: AmendRequest): Promise<PostReply> {
    const subject: SigningSubject = { kind: 'amendment', sessionId: id };
    const signer = await this.signature.confirm(actor, body, subject);
    const { password: _password, pin: _pin, ...amendment } = body;
    const workOrder = body.changes.workOrderId ? await this.sessions.workOrderFor(actor, id, body.changes.workOrderId, 'changes.workOrderId') : undefined;
    const amended = await this.bus.send(AMEND_SESSION, { actor: actor.snapshot(), sessionId: id, body: amendment, workOrder, signer });
    await this.logSigned(actor, subject, [amended], signer.method);
    return amended;
  }

  @Roles('provider', 'school_admin', 'district_admin')
  @Get(':id/versions')
  @Operation({
    summary: 'Every signed version of a session',
    description: 'Oldest first (by version). `updatedSince` keeps the versions signed at or after it.',
    answer: Paged(SessionVersionReply),
    errors: [403, 404, 503],
  })
  versions(@CurrentActor() actor: Actor, @IdParam() id: string, @Query() query: SyncPageQuery): Promise<Page<SessionVersionReply>> {
    return this.bus.send(LIST_SESSION_VERSIONS, {
      actor: actor.snapshot(),
      sessionId: id,
      updatedSince: query.updatedSince,
      page: query.page,
      pageSize: query.pageSize,
    });
  }
}

import { Body, Controller, Delete, Get, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles, Scopes } from '@sessionledger/auth';
import { Page, SyncPageQuery } from '@sessionledger/common';
import {
  AddParticipantBody,
  AssignWorkOrderBody,
  CancelSessionBody,
  CoachingLogBody,
  DurationBody,
  EndSessionBody,
  SessionAuditReply,
  SessionChangeReply,
  SessionPageReply,
  SessionReply,
  SeriesReply,
  SessionView,
  SessionWriteReply,
  StartSessionBody,
  TagsBody,
  UpdateParticipantBody,
  UpdateFutureSessionsBody,
  UpdateSessionBody,
  VersionOnlyBody,
} from '@sessionledger/contracts';
import { IdParam } from '../http/id-param';
import { Operation, Paged } from '../http/openapi';
import { SessionViewAnswer, SessionViewPageAnswer } from './answer-schemas';
import { SessionListQuery } from './sessions.dto';
import { SessionsService } from './sessions.service';

/** Who changes sessions: their provider, or an admin of their school (session-log checks which). */
const STAFF = ['provider', 'school_admin', 'district_admin'] as const;
/** Who reads them; guardians and students see posted sessions only, their own part, in the family view (session-log cuts it). */
const READERS = [...STAFF, 'guardian', 'student'] as const;

export class SessionDeletedReply {
  @ApiProperty({ type: Boolean, enum: [true] })
  deleted: true;
}

/*
 * Every session route may answer 503 while the district's settings have not
 * reached session-log (a new district, well under a second).
 */
@ApiTags('sessions')
@ApiBearerAuth()
@Controller('sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Roles('provider')
  @Post()
  @Operation({
    summary: 'Start a session',
    description: 'One active session per provider (409 SESSION.ALREADY_ACTIVE with details.activeSessionId); a cancelled occurrence → 409 OCCURRENCE.CANCELLED.',
    answer: SessionWriteReply,
    status: 201,
    errors: [403, 404, 409, 503],
  })
  start(@CurrentActor() actor: Actor, @Body() body: StartSessionBody): Promise<SessionWriteReply> {
    return this.sessions.start(actor, body);
  }

  @Roles(...READERS)
  @Scopes('sessions:read')
  @Get()
  @SessionViewPageAnswer()
  @Operation({
    summary: 'List sessions',
    description:
      'Newest first: by startedAt descending, then id. `from`/`to` are days (sessionDate, district-local); `updatedSince` keeps the sessions changed at or after it (the session, a participant, posting, an amendment). Staff get SessionReply items, guardians and students FamilySessionReply (posted sessions only).',
    answer: Paged(SessionReply),
    errors: [403, 503],
  })
  list(@CurrentActor() actor: Actor, @Query() query: SessionListQuery): Promise<SessionPageReply> {
    return this.sessions.list(actor, query);
  }

  @Roles(...READERS)
  @Scopes('sessions:read')
  @Get(':id')
  @SessionViewAnswer()
  @Operation({ summary: 'Read a session', description: 'Cut to the reader: SessionReply for staff, FamilySessionReply for guardians and students.', answer: SessionReply, errors: [403, 404, 503] })
  get(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<SessionView> {
    return this.sessions.get(actor, id);
  }

  @Roles(...STAFF)
  @Patch(':id')
  @Operation({ summary: 'Change a session’s fields', answer: SessionWriteReply, errors: [403, 404, 409, 503] })
  update(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: UpdateSessionBody): Promise<SessionWriteReply> {
    return this.sessions.update(actor, id, body);
  }

  @Roles(...STAFF)
  @Delete(':id')
  @Operation({ summary: 'Delete a session started by mistake', description: 'Only while active (409 otherwise).', answer: SessionDeletedReply, errors: [403, 404, 409, 503] })
  delete(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<{ deleted: true }> {
    return this.sessions.delete(actor, id);
  }

  @Roles(...STAFF)
  @Post(':id/end')
  @Operation({ summary: 'End a session', description: 'Everyone not yet timed out is timed out at endedAt.', answer: SessionWriteReply, errors: [403, 404, 409, 503] })
  end(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: EndSessionBody): Promise<SessionWriteReply> {
    return this.sessions.end(actor, id, body);
  }

  @Roles(...STAFF)
  @Post(':id/cancel')
  @Operation({ summary: 'Cancel a session', answer: SessionWriteReply, errors: [403, 404, 409, 503] })
  cancel(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: CancelSessionBody): Promise<SessionWriteReply> {
    return this.sessions.cancel(actor, id, body);
  }

  @Roles(...STAFF)
  @Post(':id/no-show')
  @Operation({ summary: 'Mark a session a no-show', answer: SessionWriteReply, errors: [403, 404, 409, 503] })
  noShow(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: VersionOnlyBody): Promise<SessionWriteReply> {
    return this.sessions.noShow(actor, id, body);
  }

  /** The seed's "Update Future Sessions": this session's description and activities become its series' defaults for later occurrences. */
  @Roles(...STAFF)
  @Post(':id/update-future-sessions')
  @Operation({
    summary: 'Make this session’s description and activities its series’ defaults',
    description: 'For the occurrences after this session’s own; a session not started from an occurrence → 409 SESSION.NOT_SCHEDULED.',
    answer: SeriesReply,
    errors: [403, 404, 409, 503],
  })
  updateFutureSessions(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: UpdateFutureSessionsBody): Promise<SeriesReply> {
    return this.sessions.updateFutureSessions(actor, id, body?.version);
  }

  @Roles(...STAFF)
  @Put(':id/duration')
  @Operation({
    summary: 'Set a session’s duration',
    description: 'Outside the provider’s range → 403 SESSION.DURATION_NEEDS_ADMIN; an admin may, with a reason.',
    answer: SessionWriteReply,
    errors: [403, 404, 409, 503],
  })
  setDuration(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: DurationBody): Promise<SessionWriteReply> {
    return this.sessions.setDuration(actor, id, body);
  }

  @Roles(...STAFF)
  @Put(':id/tags')
  @Operation({ summary: 'Set a session’s Career Ladder goal tags', answer: SessionWriteReply, errors: [403, 404, 409, 503] })
  setTags(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: TagsBody): Promise<SessionWriteReply> {
    return this.sessions.setTags(actor, id, body);
  }

  @Roles(...STAFF)
  @Put(':id/work-order')
  @Operation({ summary: 'Assign a work order after the fact', answer: SessionWriteReply, errors: [403, 404, 409, 503] })
  assignWorkOrder(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: AssignWorkOrderBody): Promise<SessionWriteReply> {
    return this.sessions.assignWorkOrder(actor, id, body);
  }

  @Roles(...STAFF)
  @Put(':id/coaching-log')
  @Operation({ summary: 'Save a coaching session’s log', answer: SessionWriteReply, errors: [403, 404, 409, 503] })
  saveCoachingLog(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: CoachingLogBody): Promise<SessionWriteReply> {
    return this.sessions.saveCoachingLog(actor, id, body);
  }

  @Roles(...STAFF)
  @Post(':id/participants')
  @Operation({
    summary: 'Add a participant',
    description: 'Answers the whole session with the new participant; the same person twice → 409 PARTICIPANT.ALREADY_IN_SESSION.',
    answer: SessionWriteReply,
    status: 201,
    errors: [403, 404, 409, 503],
  })
  addParticipant(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: AddParticipantBody): Promise<SessionWriteReply> {
    return this.sessions.addParticipant(actor, id, body);
  }

  @Roles(...STAFF)
  @Patch(':id/participants/:participantId')
  @Operation({ summary: 'Change a participant’s entry', description: 'A stale participant version → 409 PARTICIPANT.STALE.', answer: SessionWriteReply, errors: [403, 404, 409, 503] })
  updateParticipant(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @IdParam('participantId') participantId: string,
    @Body() body: UpdateParticipantBody,
  ): Promise<SessionWriteReply> {
    return this.sessions.updateParticipant(actor, id, participantId, body);
  }

  @Roles(...STAFF)
  @Delete(':id/participants/:participantId')
  @Operation({ summary: 'Remove a participant', answer: SessionWriteReply, errors: [403, 404, 409, 503] })
  removeParticipant(@CurrentActor() actor: Actor, @IdParam() id: string, @IdParam('participantId') participantId: string): Promise<SessionWriteReply> {
    return this.sessions.removeParticipant(actor, id, participantId);
  }

  @Roles(...STAFF)
  @Get(':id/audit')
  @Operation({ summary: 'What blocks posting, and will it be paid', answer: SessionAuditReply, errors: [403, 404, 503] })
  audit(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<SessionAuditReply> {
    return this.sessions.audit(actor, id);
  }

  @Roles(...STAFF)
  @Get(':id/history')
  @Operation({
    summary: 'A session’s trail',
    description: 'Who did what, when (never note text); oldest first: by at, then id. `updatedSince` keeps the entries recorded at or after it.',
    answer: Paged(SessionChangeReply),
    errors: [403, 404, 503],
  })
  history(@CurrentActor() actor: Actor, @IdParam() id: string, @Query() query: SyncPageQuery): Promise<Page<SessionChangeReply>> {
    return this.sessions.history(actor, id, query);
  }
}

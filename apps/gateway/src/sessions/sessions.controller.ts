import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
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
import { SessionListQuery } from './sessions.dto';
import { SessionsService } from './sessions.service';

/** Who changes sessions: their provider, or an admin of their school (session-log checks which). */
const STAFF = ['provider', 'school_admin', 'district_admin'] as const;
/** Who reads them; guardians and students see posted sessions only, their own part, in the family view (session-log cuts it). */
const READERS = [...STAFF, 'guardian', 'student'] as const;

@ApiTags('sessions')
@ApiBearerAuth()
@Controller('sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Roles('provider')
  @Post()
  start(@CurrentActor() actor: Actor, @Body() body: StartSessionBody): Promise<SessionWriteReply> {
    return this.sessions.start(actor, body);
  }

  @Roles(...READERS)
  @Get()
  list(@CurrentActor() actor: Actor, @Query() query: SessionListQuery): Promise<SessionPageReply> {
    return this.sessions.list(actor, query);
  }

  @Roles(...READERS)
  @Get(':id')
  get(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<SessionView> {
    return this.sessions.get(actor, id);
  }

  @Roles(...STAFF)
  @Patch(':id')
  update(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: UpdateSessionBody): Promise<SessionWriteReply> {
    return this.sessions.update(actor, id, body);
  }

  @Roles(...STAFF)
  @Delete(':id')
  delete(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<{ deleted: true }> {
    return this.sessions.delete(actor, id);
  }

  @Roles(...STAFF)
  @Post(':id/end')
  @HttpCode(200)
  end(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: EndSessionBody): Promise<SessionWriteReply> {
    return this.sessions.end(actor, id, body);
  }

  @Roles(...STAFF)
  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: CancelSessionBody): Promise<SessionWriteReply> {
    return this.sessions.cancel(actor, id, body);
  }

  @Roles(...STAFF)
  @Post(':id/no-show')
  @HttpCode(200)
  noShow(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: VersionOnlyBody): Promise<SessionWriteReply> {
    return this.sessions.noShow(actor, id, body);
  }

  /** The seed's "Update Future Sessions": this session's description and activities become its series' defaults for later occurrences. */
  @Roles(...STAFF)
  @Post(':id/update-future-sessions')
  @HttpCode(200)
  updateFutureSessions(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: UpdateFutureSessionsBody): Promise<SeriesReply> {
    return this.sessions.updateFutureSessions(actor, id, body?.version);
  }

  @Roles(...STAFF)
  @Put(':id/duration')
  setDuration(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: DurationBody): Promise<SessionWriteReply> {
    return this.sessions.setDuration(actor, id, body);
  }

  @Roles(...STAFF)
  @Put(':id/tags')
  setTags(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: TagsBody): Promise<SessionWriteReply> {
    return this.sessions.setTags(actor, id, body);
  }

  @Roles(...STAFF)
  @Put(':id/work-order')
  assignWorkOrder(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: AssignWorkOrderBody): Promise<SessionWriteReply> {
    return this.sessions.assignWorkOrder(actor, id, body);
  }

  @Roles(...STAFF)
  @Put(':id/coaching-log')
  saveCoachingLog(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: CoachingLogBody): Promise<SessionWriteReply> {
    return this.sessions.saveCoachingLog(actor, id, body);
  }

  @Roles(...STAFF)
  @Post(':id/participants')
  addParticipant(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: AddParticipantBody): Promise<SessionWriteReply> {
    return this.sessions.addParticipant(actor, id, body);
  }

  @Roles(...STAFF)
  @Patch(':id/participants/:participantId')
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
  removeParticipant(@CurrentActor() actor: Actor, @IdParam() id: string, @IdParam('participantId') participantId: string): Promise<SessionWriteReply> {
    return this.sessions.removeParticipant(actor, id, participantId);
  }

  @Roles(...STAFF)
  @Get(':id/audit')
  audit(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<SessionAuditReply> {
    return this.sessions.audit(actor, id);
  }

  @Roles(...STAFF)
  @Get(':id/history')
  history(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<SessionChangeReply[]> {
    return this.sessions.history(actor, id);
  }
}

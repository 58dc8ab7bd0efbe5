import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Page } from '@sessionledger/common';
import {
  ADD_PARTICIPANT,
  AddParticipantCommand,
  ASSIGN_WORK_ORDER,
  AssignWorkOrderCommand,
  CANCEL_SESSION,
  CancelSessionCommand,
  CoachingLogCommand,
  DELETE_SESSION,
  DurationCommand,
  END_SESSION,
  EndSessionCommand,
  GET_SESSION,
  GET_SESSION_AUDIT,
  GET_SESSION_HISTORY,
  LIST_OCCURRENCE_SESSIONS,
  LIST_SESSIONS,
  LIST_TASKS,
  ListOccurrenceSessionsCommand,
  ListSessionsCommand,
  ListTasksCommand,
  MARK_NO_SHOW,
  NoShowCommand,
  OccurrenceSessionsReply,
  ParticipantRef,
  REMOVE_PARTICIPANT,
  SAVE_COACHING_LOG,
  SessionAuditReply,
  SessionChangeReply,
  SessionHistoryCommand,
  SessionPageReply,
  SessionRef,
  SessionView,
  SessionWriteReply,
  SET_DURATION,
  SET_TAGS,
  START_SESSION,
  StartSessionCommand,
  TagsCommand,
  TaskPageReply,
  UPDATE_PARTICIPANT,
  UPDATE_SESSION,
  UpdateParticipantCommand,
  UpdateSessionCommand,
  ViewSessionCommand,
} from '@sessionledger/contracts';
import { ParticipantsService } from './participants.service';
import { SessionReadsService } from './session-reads.service';
import { SessionsService } from './sessions.service';

/** Session-log's command handlers; payloads arrive validated against their contract. */
@Controller()
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly participants: ParticipantsService,
    private readonly reads: SessionReadsService,
  ) {}

  @MessagePattern(START_SESSION.pattern)
  start(@Payload() command: StartSessionCommand): Promise<SessionWriteReply> {
    return this.sessions.start(command);
  }

  @MessagePattern(LIST_OCCURRENCE_SESSIONS.pattern)
  occurrenceSessions(@Payload() command: ListOccurrenceSessionsCommand): Promise<OccurrenceSessionsReply> {
    return this.sessions.occurrenceSessions(command);
  }

  @MessagePattern(GET_SESSION.pattern)
  get(@Payload() command: ViewSessionCommand): Promise<SessionView> {
    return this.reads.get(command);
  }

  @MessagePattern(LIST_SESSIONS.pattern)
  list(@Payload() command: ListSessionsCommand): Promise<SessionPageReply> {
    return this.reads.list(command);
  }

  @MessagePattern(UPDATE_SESSION.pattern)
  update(@Payload() command: UpdateSessionCommand): Promise<SessionWriteReply> {
    return this.sessions.update(command);
  }

  @MessagePattern(END_SESSION.pattern)
  end(@Payload() command: EndSessionCommand): Promise<SessionWriteReply> {
    return this.sessions.end(command);
  }

  @MessagePattern(DELETE_SESSION.pattern)
  delete(@Payload() command: SessionRef): Promise<{ deleted: true }> {
    return this.sessions.delete(command);
  }

  @MessagePattern(CANCEL_SESSION.pattern)
  cancel(@Payload() command: CancelSessionCommand): Promise<SessionWriteReply> {
    return this.sessions.cancel(command);
  }

  @MessagePattern(MARK_NO_SHOW.pattern)
  noShow(@Payload() command: NoShowCommand): Promise<SessionWriteReply> {
    return this.sessions.noShow(command);
  }

  @MessagePattern(SET_DURATION.pattern)
  setDuration(@Payload() command: DurationCommand): Promise<SessionWriteReply> {
    return this.sessions.setDuration(command);
  }

  @MessagePattern(SET_TAGS.pattern)
  setTags(@Payload() command: TagsCommand): Promise<SessionWriteReply> {
    return this.sessions.setTags(command);
  }

  @MessagePattern(ASSIGN_WORK_ORDER.pattern)
  assignWorkOrder(@Payload() command: AssignWorkOrderCommand): Promise<SessionWriteReply> {
    return this.sessions.assignWorkOrder(command);
  }

  @MessagePattern(SAVE_COACHING_LOG.pattern)
  saveCoachingLog(@Payload() command: CoachingLogCommand): Promise<SessionWriteReply> {
    return this.sessions.saveCoachingLog(command);
  }

  @MessagePattern(ADD_PARTICIPANT.pattern)
  addParticipant(@Payload() command: AddParticipantCommand): Promise<SessionWriteReply> {
    return this.participants.add(command);
  }

  @MessagePattern(UPDATE_PARTICIPANT.pattern)
  updateParticipant(@Payload() command: UpdateParticipantCommand): Promise<SessionWriteReply> {
    return this.participants.update(command);
  }

  @MessagePattern(REMOVE_PARTICIPANT.pattern)
  removeParticipant(@Payload() command: ParticipantRef): Promise<SessionWriteReply> {
    return this.participants.remove(command);
  }

  @MessagePattern(GET_SESSION_AUDIT.pattern)
  audit(@Payload() command: SessionRef): Promise<SessionAuditReply> {
    return this.reads.audit(command);
  }

  @MessagePattern(GET_SESSION_HISTORY.pattern)
  history(@Payload() command: SessionHistoryCommand): Promise<Page<SessionChangeReply>> {
    return this.reads.history(command);
  }

  @MessagePattern(LIST_TASKS.pattern)
  tasks(@Payload() command: ListTasksCommand): Promise<TaskPageReply> {
    return this.reads.tasks(command);
  }
}

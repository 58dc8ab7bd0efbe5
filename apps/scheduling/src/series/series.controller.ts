import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CANCEL_OCCURRENCE,
  CancelOccurrenceCommand,
  ClosureDaysReply,
  CREATE_SERIES,
  CreateSeriesCommand,
  EDIT_SERIES,
  EditSeriesCommand,
  GET_CLOSURE_DAYS,
  GET_OCCURRENCE,
  GET_SERIES,
  GetClosureDaysCommand,
  GetOccurrenceCommand,
  GetSeriesCommand,
  LIST_CALENDAR_OCCURRENCES,
  LIST_OCCURRENCES,
  LIST_SERIES,
  ListCalendarOccurrencesCommand,
  ListOccurrencesCommand,
  ListSeriesCommand,
  OccurrenceReply,
  SeriesPageReply,
  SeriesReply,
  SET_CLOSURE_DAYS,
  SetClosureDaysCommand,
  UPDATE_FUTURE_SESSIONS,
  UpdateFutureSessionsCommand,
} from '@sessionledger/contracts';
import { SeriesService } from './series.service';

/** Scheduling's command handlers; payloads arrive validated against their contract. */
@Controller()
export class SeriesController {
  constructor(private readonly series: SeriesService) {}

  @MessagePattern(CREATE_SERIES.pattern)
  create(@Payload() command: CreateSeriesCommand): Promise<SeriesReply> {
    return this.series.create(command);
  }

  @MessagePattern(LIST_SERIES.pattern)
  list(@Payload() command: ListSeriesCommand): Promise<SeriesPageReply> {
    return this.series.list(command);
  }

  @MessagePattern(GET_SERIES.pattern)
  get(@Payload() command: GetSeriesCommand): Promise<SeriesReply> {
    return this.series.get(command.actor, command.seriesId);
  }

  @MessagePattern(LIST_OCCURRENCES.pattern)
  occurrences(@Payload() command: ListOccurrencesCommand): Promise<OccurrenceReply[]> {
    return this.series.occurrences(command);
  }

  @MessagePattern(LIST_CALENDAR_OCCURRENCES.pattern)
  calendarOccurrences(@Payload() command: ListCalendarOccurrencesCommand): Promise<OccurrenceReply[]> {
    return this.series.calendarOccurrences(command);
  }

  @MessagePattern(GET_OCCURRENCE.pattern)
  occurrence(@Payload() command: GetOccurrenceCommand): Promise<OccurrenceReply> {
    return this.series.occurrence(command.actor, command.seriesId, command.occurrenceStart);
  }

  @MessagePattern(EDIT_SERIES.pattern)
  edit(@Payload() command: EditSeriesCommand): Promise<SeriesReply> {
    return this.series.edit(command);
  }

  @MessagePattern(CANCEL_OCCURRENCE.pattern)
  cancel(@Payload() command: CancelOccurrenceCommand): Promise<OccurrenceReply> {
    return this.series.cancel(command);
  }

  @MessagePattern(UPDATE_FUTURE_SESSIONS.pattern)
  updateFutureSessions(@Payload() command: UpdateFutureSessionsCommand): Promise<SeriesReply> {
    return this.series.updateFutureSessions(command);
  }

  @MessagePattern(GET_CLOSURE_DAYS.pattern)
  closureDays(@Payload() command: GetClosureDaysCommand): Promise<ClosureDaysReply> {
    return this.series.closureDays(command.actor);
  }

  @MessagePattern(SET_CLOSURE_DAYS.pattern)
  setClosureDays(@Payload() command: SetClosureDaysCommand): Promise<ClosureDaysReply> {
    return this.series.setClosureDays(command);
  }
}

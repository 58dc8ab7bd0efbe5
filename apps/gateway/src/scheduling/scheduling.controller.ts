import { Body, Controller, Get, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { Page } from '@sessionledger/common';
import {
  CancelOccurrenceBody,
  ClosureDaysBody,
  ClosureDaysReply,
  CreateSeriesBody,
  EditSeriesBody,
  OccurrenceReply,
  SeriesPageReply,
  SeriesReply,
} from '@sessionledger/contracts';
import { IdParam } from '../http/id-param';
import { Operation, Paged } from '../http/openapi';
import { OccurrencesQuery, SeriesListQuery } from './scheduling.dto';
import { SchedulingService } from './scheduling.service';

/** Who schedules: a provider their own series, an admin those of their schools (scheduling checks which). */
const SCHEDULERS = ['provider', 'school_admin', 'district_admin'] as const;

/** Scheduling answers 503 until it has the district's settings, or when it does not answer at all. */
@ApiTags('scheduling')
@ApiBearerAuth()
@Controller()
export class SchedulingController {
  constructor(private readonly scheduling: SchedulingService) {}

  @Roles(...SCHEDULERS)
  @Post('series')
  @Operation({ summary: 'Create a series of recurring sessions', answer: SeriesReply, status: 201, errors: [403, 503] })
  create(@CurrentActor() actor: Actor, @Body() body: CreateSeriesBody): Promise<SeriesReply> {
    return this.scheduling.create(actor, body);
  }

  @Roles(...SCHEDULERS)
  @Get('series')
  @Operation({ summary: 'List series', description: 'Newest first (created), then id.', answer: Paged(SeriesReply), errors: [403, 503] })
  list(@CurrentActor() actor: Actor, @Query() query: SeriesListQuery): Promise<SeriesPageReply> {
    return this.scheduling.list(actor, query);
  }

  @Roles(...SCHEDULERS)
  @Get('series/:id')
  @Operation({ summary: 'Get a series', answer: SeriesReply, errors: [403, 404, 503] })
  get(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<SeriesReply> {
    return this.scheduling.get(actor, id);
  }

  @Roles(...SCHEDULERS)
  @Get('series/:id/occurrences')
  @Operation({
    summary: 'List a series’ occurrences in a window',
    description:
      'Occurrences starting in [from, to), with overrides and cancellations applied, ordered by `occurrenceStart`. With `updatedSince`: all of them when the series or one of its occurrences changed at or after it, none otherwise (closure-day changes do not count).',
    answer: Paged(OccurrenceReply),
    errors: [403, 404, 503],
  })
  occurrences(@CurrentActor() actor: Actor, @IdParam() id: string, @Query() query: OccurrencesQuery): Promise<Page<OccurrenceReply>> {
    return this.scheduling.occurrences(actor, id, query);
  }

  @Roles(...SCHEDULERS)
  @Patch('series/:id')
  @Operation({ summary: 'Edit one occurrence, this and the following, or all of a series', answer: SeriesReply, errors: [403, 404, 409, 503] })
  edit(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: EditSeriesBody): Promise<SeriesReply> {
    return this.scheduling.edit(actor, id, body);
  }

  @Roles(...SCHEDULERS)
  @Post('series/:id/occurrences/cancel')
  @Operation({ summary: 'Cancel one occurrence', answer: OccurrenceReply, errors: [403, 404, 409, 503] })
  cancel(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: CancelOccurrenceBody): Promise<OccurrenceReply> {
    return this.scheduling.cancel(actor, id, body);
  }

  @Roles(...SCHEDULERS)
  @Get('closure-days')
  @Operation({ summary: 'Get the district’s closure days', answer: ClosureDaysReply, errors: [403, 503] })
  closureDays(@CurrentActor() actor: Actor): Promise<ClosureDaysReply> {
    return this.scheduling.closureDays(actor);
  }

  @Roles('district_admin')
  @Put('closure-days')
  @Operation({ summary: 'Replace the district’s closure days', answer: ClosureDaysReply, errors: [403, 503] })
  setClosureDays(@CurrentActor() actor: Actor, @Body() body: ClosureDaysBody): Promise<ClosureDaysReply> {
    return this.scheduling.setClosureDays(actor, body);
  }
}

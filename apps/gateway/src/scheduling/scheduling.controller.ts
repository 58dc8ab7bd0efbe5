import { Body, Controller, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
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
import { OccurrencesQuery, SeriesListQuery } from './scheduling.dto';
import { SchedulingService } from './scheduling.service';

/** Who schedules: a provider their own series, an admin those of their schools (scheduling checks which). */
const SCHEDULERS = ['provider', 'school_admin', 'district_admin'] as const;

@ApiTags('scheduling')
@ApiBearerAuth()
@Controller()
export class SchedulingController {
  constructor(private readonly scheduling: SchedulingService) {}

  @Roles(...SCHEDULERS)
  @Post('series')
  create(@CurrentActor() actor: Actor, @Body() body: CreateSeriesBody): Promise<SeriesReply> {
    return this.scheduling.create(actor, body);
  }

  @Roles(...SCHEDULERS)
  @Get('series')
  list(@CurrentActor() actor: Actor, @Query() query: SeriesListQuery): Promise<SeriesPageReply> {
    return this.scheduling.list(actor, query);
  }

  @Roles(...SCHEDULERS)
  @Get('series/:id')
  get(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<SeriesReply> {
    return this.scheduling.get(actor, id);
  }

  @Roles(...SCHEDULERS)
  @Get('series/:id/occurrences')
  occurrences(@CurrentActor() actor: Actor, @IdParam() id: string, @Query() query: OccurrencesQuery): Promise<OccurrenceReply[]> {
    return this.scheduling.occurrences(actor, id, query);
  }

  @Roles(...SCHEDULERS)
  @Patch('series/:id')
  edit(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: EditSeriesBody): Promise<SeriesReply> {
    return this.scheduling.edit(actor, id, body);
  }

  @Roles(...SCHEDULERS)
  @Post('series/:id/occurrences/cancel')
  @HttpCode(200)
  cancel(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: CancelOccurrenceBody): Promise<OccurrenceReply> {
    return this.scheduling.cancel(actor, id, body);
  }

  @Roles(...SCHEDULERS)
  @Get('closure-days')
  closureDays(@CurrentActor() actor: Actor): Promise<ClosureDaysReply> {
    return this.scheduling.closureDays(actor);
  }

  @Roles('district_admin')
  @Put('closure-days')
  setClosureDays(@CurrentActor() actor: Actor, @Body() body: ClosureDaysBody): Promise<ClosureDaysReply> {
    return this.scheduling.setClosureDays(actor, body);
  }
}

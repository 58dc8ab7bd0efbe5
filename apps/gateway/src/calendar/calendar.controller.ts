import { Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Actor, CurrentActor, Public, Roles } from '@sessionledger/auth';
import { CalendarReply } from '@sessionledger/contracts';
import { CalendarFeedReply, CalendarQuery } from './calendar.dto';
import { CalendarService } from './calendar.service';

@ApiTags('calendar')
@ApiBearerAuth()
@Controller()
export class CalendarController {
  constructor(private readonly calendars: CalendarService) {}

  @Roles('provider', 'school_admin', 'district_admin')
  @Get('calendar')
  calendar(@CurrentActor() actor: Actor, @Query() query: CalendarQuery): Promise<CalendarReply> {
    return this.calendars.calendar(actor, query);
  }

  @Roles('provider')
  @Post('me/calendar-feed')
  rotateFeed(@CurrentActor() actor: Actor, @Req() request: FastifyRequest): Promise<CalendarFeedReply> {
    return this.calendars.rotateFeed(actor, `${request.protocol}://${request.headers.host ?? 'localhost'}`);
  }

  @Roles('provider')
  @Delete('me/calendar-feed')
  @HttpCode(204)
  revokeFeed(@CurrentActor() actor: Actor): Promise<void> {
    return this.calendars.revokeFeed(actor);
  }

  /** The secret in the path is the credential: calendar apps cannot send a bearer token. */
  @Public()
  @Get('calendar-feeds/:file')
  async feed(@Param('file') file: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const document = await this.calendars.feed(file);
    reply.header('Content-Type', 'text/calendar; charset=utf-8');
    reply.header('Cache-Control', 'private, no-store');
    return document;
  }
}

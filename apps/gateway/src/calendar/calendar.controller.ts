import { Controller, Delete, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Actor, CurrentActor, Public, Roles } from '@sessionledger/auth';
import { CalendarReply } from '@sessionledger/contracts';
import { CalendarFeedReply, CalendarQuery, FamilyUpcomingQuery, FamilyUpcomingReply } from './calendar.dto';
import { Operation, Raw } from '../http/openapi';
import { CalendarService } from './calendar.service';

@ApiTags('calendar')
@ApiBearerAuth()
@Controller()
export class CalendarController {
  constructor(private readonly calendars: CalendarService) {}

  @Roles('provider', 'school_admin', 'district_admin')
  @Get('calendar')
  @Operation({
    summary: 'Read a calendar',
    description: 'Planned occurrences and sessions starting in [from, to) for one provider, school or student, by start then id, with double-booking warnings.',
    answer: CalendarReply,
    errors: [404, 503],
  })
  calendar(@CurrentActor() actor: Actor, @Query() query: CalendarQuery): Promise<CalendarReply> {
    return this.calendars.calendar(actor, query);
  }

  @Roles('guardian', 'student')
  @Get('me/upcoming-sessions')
  @Operation({
    summary: 'Read my upcoming sessions (families)',
    description: 'A guardian’s children’s planned sessions, or a student’s own, starting in [from, to): when, which service and with whom, and whether it was called off; nothing a provider typed.',
    answer: FamilyUpcomingReply,
    errors: [503],
  })
  upcoming(@CurrentActor() actor: Actor, @Query() query: FamilyUpcomingQuery): Promise<FamilyUpcomingReply> {
    return this.calendars.familyUpcoming(actor, query);
  }

  @Roles('provider')
  @Post('me/calendar-feed')
  @Operation({ summary: 'Create or rotate my calendar feed', description: 'A new secret URL for calendar apps; the previous one stops working.', answer: CalendarFeedReply, status: 201 })
  rotateFeed(@CurrentActor() actor: Actor, @Req() request: FastifyRequest): Promise<CalendarFeedReply> {
    return this.calendars.rotateFeed(actor, `${request.protocol}://${request.headers.host ?? 'localhost'}`);
  }

  @Roles('provider')
  @Delete('me/calendar-feed')
  @Operation({ summary: 'Revoke my calendar feed', answer: null, status: 204 })
  revokeFeed(@CurrentActor() actor: Actor): Promise<void> {
    return this.calendars.revokeFeed(actor);
  }

  /** The secret in the path is the credential: calendar apps cannot send a bearer token. */
  @Public()
  @Get('calendar-feeds/:file')
  @Operation({
    summary: 'Read a calendar feed',
    description: 'For calendar apps: the secret in the path is the credential. Service, school and the number of students only; no names.',
    answer: Raw('text/calendar', 'An iCalendar document'),
    errors: [404, 503],
    isPublic: true,
  })
  @ApiParam({ name: 'file', description: '`<districtId>.<secret>.ics`, from the feed URL', schema: { type: 'string', maxLength: 200, pattern: '^[0-9a-f-]{36}\\.[A-Za-z0-9_-]+\\.ics$' } })
  async feed(@Param('file') file: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const document = await this.calendars.feed(file);
    reply.header('Content-Type', 'text/calendar; charset=utf-8');
    reply.header('Cache-Control', 'private, no-store');
    return document;
  }
}

import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { Page } from '@sessionledger/common';
import { Operation, Paged } from '../http/openapi';
import { FileAnswer } from '../sessions/answer-schemas';
import { AuditEventFilter, AuditEventQuery, AuditEventReply } from './audit-events.dto';
import { AuditEventQueries } from './audit-events.queries';

const FILTERS = '`studentId`, `actorUserId`, `action`, and `from` (included) / `to` (excluded) instants; a bad filter → 400 naming it.';

/*
 * District admins only. A school admin is refused rather than shown "their
 * schools' events": sign-ins, signatures and settings changes belong to no
 * school, staff and students move between schools (an entry would change
 * hands), and who looked at whom is itself personal data, kept to the fewest
 * people. API clients have no scope for it.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller()
export class AuditEventsController {
  constructor(private readonly queries: AuditEventQueries) {}

  @Roles('district_admin')
  @Get('audit-events')
  @Operation({
    summary: 'Search the access and change log',
    description: `Newest first: by occurredAt descending, then id descending. Entries never change: \`updatedSince\` keeps those recorded at or after it. Filters: ${FILTERS}`,
    answer: Paged(AuditEventReply),
    errors: [403],
  })
  list(@CurrentActor() actor: Actor, @Query() query: AuditEventQuery): Promise<Page<AuditEventReply>> {
    return this.queries.list(actor, query);
  }

  @Roles('district_admin')
  @Get('audit-events.csv')
  @FileAnswer('The matching events as CSV (attachment), newest first', { 'text/csv': { schema: { type: 'string' } } })
  @Operation({
    summary: 'Export the access and change log as CSV',
    description: `The same filters as the search, every matching event (streamed), logged as audit.export. Filters: ${FILTERS}`,
    answer: null,
    errors: [403],
  })
  async csv(@CurrentActor() actor: Actor, @Query() filter: AuditEventFilter): Promise<StreamableFile> {
    const body = await this.queries.csv(actor, filter);
    return new StreamableFile(body, { type: 'text/csv; charset=utf-8', disposition: `attachment; filename="audit-events.csv"` });
  }
}

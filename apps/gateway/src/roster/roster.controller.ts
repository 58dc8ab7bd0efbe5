import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { Page } from '@sessionledger/common';
import { Environment } from '@sessionledger/config';
import { IdParam } from '../http/id-param';
import { Operation, Paged } from '../http/openapi';
import { ROSTER_ZIP_SCHEMA, RosterImportJsonBody, RosterImportListQuery, RosterImportResponse, RosterImportSummary, StartRosterImportQuery } from './roster.dto';
import { RosterImportQueries } from './roster-import.queries';
import { RouteBodyLimit, uploadedFiles } from './roster-upload';
import { StartRosterImport } from './use-cases/start-roster-import.use-case';

@ApiTags('roster')
@ApiBearerAuth()
@Controller('roster/imports')
export class RosterImportsController {
  constructor(
    private readonly start: StartRosterImport,
    private readonly queries: RosterImportQueries,
    private readonly env: Environment,
  ) {}

  /** Answers 202 at once with the queued import; poll GET /roster/imports/:id. A body over ROSTER_UPLOAD_MAX_BYTES answers 413. */
  @Roles('district_admin')
  @Post()
  @RouteBodyLimit('ROSTER_UPLOAD_MAX_BYTES')
  @Operation({
    summary: 'Import a OneRoster roster',
    description: 'A zip of the OneRoster CSV files (`Content-Type: application/zip`) or JSON with the CSV texts. Answers 202 at once with the queued import; poll GET /api/roster/imports/{id}.',
    answer: RosterImportResponse,
    status: 202,
    errors: [503],
    requestContent: { 'application/zip': ROSTER_ZIP_SCHEMA, 'application/json': RosterImportJsonBody },
  })
  @ApiBody({ type: RosterImportJsonBody, description: 'A zip of the OneRoster CSV files, or JSON with the CSV texts' })
  async create(@CurrentActor() actor: Actor, @Query() query: StartRosterImportQuery, @Body() body: unknown): Promise<RosterImportResponse> {
    const upload = await uploadedFiles(body, this.env);
    return this.start.execute(actor, upload.files, query.dryRun ?? upload.dryRun ?? false);
  }

  @Roles('district_admin')
  @Get()
  @Operation({ summary: 'List roster imports', description: 'Newest first (ties by id), without their row errors.', answer: Paged(RosterImportSummary) })
  list(@CurrentActor() actor: Actor, @Query() query: RosterImportListQuery): Promise<Page<RosterImportSummary>> {
    return this.queries.list(actor, query);
  }

  @Roles('district_admin')
  @Get(':id')
  @Operation({ summary: 'Read a roster import', description: 'Its status, counts and the first 1,000 row errors.', answer: RosterImportResponse, errors: [404] })
  get(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<RosterImportResponse> {
    return this.queries.get(actor, id);
  }
}

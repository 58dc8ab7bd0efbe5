import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { Page } from '@sessionledger/common';
import { Environment } from '@sessionledger/config';
import { IdParam } from '../http/id-param';
import { RosterImportJsonBody, RosterImportListQuery, RosterImportResponse, RosterImportSummary, StartRosterImportQuery } from './roster.dto';
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
  @HttpCode(202)
  @ApiConsumes('application/zip', 'application/json')
  @ApiBody({ type: RosterImportJsonBody, description: 'A zip of the OneRoster CSV files, or JSON with the CSV texts' })
  async create(@CurrentActor() actor: Actor, @Query() query: StartRosterImportQuery, @Body() body: unknown): Promise<RosterImportResponse> {
    const upload = await uploadedFiles(body, this.env);
    return this.start.execute(actor, upload.files, query.dryRun ?? upload.dryRun ?? false);
  }

  @Roles('district_admin')
  @Get()
  list(@CurrentActor() actor: Actor, @Query() query: RosterImportListQuery): Promise<Page<RosterImportSummary>> {
    return this.queries.list(actor, query);
  }

  @Roles('district_admin')
  @Get(':id')
  get(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<RosterImportResponse> {
    return this.queries.get(actor, id);
  }
}

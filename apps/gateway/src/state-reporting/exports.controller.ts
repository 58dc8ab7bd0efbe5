import { Body, Controller, Get, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { Page, SyncPageQuery } from '@sessionledger/common';
import { DisclosureReply, ExportPageReply, ExportReply, StartExportBody } from '@sessionledger/contracts';
import { IdParam } from '../http/id-param';
import { Operation, Paged } from '../http/openapi';
import { FileAnswer } from '../sessions/answer-schemas';
import { StateExportsService } from './exports.service';

/**
 * State exports (CSV, Ed-Fi JSON) and the disclosure record they leave. District
 * admins only: an export sends students' data out of the district.
 */
@ApiTags('state-reporting')
@ApiBearerAuth()
@Controller()
export class StateExportsController {
  constructor(private readonly exports: StateExportsService) {}

  /** Answers 202 at once with the queued export; poll GET /reporting/exports/:id. */
  @Roles('district_admin')
  @Post('reporting/exports')
  @Operation({
    summary: 'Start a state export',
    description: '202 at once with the queued export; poll GET /reporting/exports/{id}. `from`/`to` are session days (YYYY-MM-DD, district-local).',
    answer: ExportReply,
    status: 202,
    errors: [403, 404],
  })
  start(@CurrentActor() actor: Actor, @Body() body: StartExportBody): Promise<ExportReply> {
    return this.exports.start(actor, body);
  }

  @Roles('district_admin')
  @Get('reporting/exports')
  @Operation({
    summary: 'List state exports',
    description: 'Newest first: by createdAt descending, then id descending. `updatedSince` keeps the exports changed (requested, progressed, finished) at or after it.',
    answer: Paged(ExportReply),
    errors: [403],
  })
  list(@CurrentActor() actor: Actor, @Query() query: SyncPageQuery): Promise<ExportPageReply> {
    return this.exports.list(actor, query);
  }

  @Roles('district_admin')
  @Get('reporting/exports/:id')
  @Operation({ summary: 'Read a state export (its status and counts)', answer: ExportReply, errors: [403, 404] })
  get(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<ExportReply> {
    return this.exports.get(actor, id);
  }

  @Roles('district_admin')
  @Get('reporting/exports/:id/download')
  @FileAnswer('The export’s file (attachment): CSV, or Ed-Fi JSON', {
    'text/csv': { schema: { type: 'string' } },
    'application/json': { schema: { type: 'object', additionalProperties: true } },
  })
  @Operation({ summary: 'Download a finished state export', description: 'Not finished → 409 EXPORT.NOT_READY.', answer: null, errors: [403, 404, 409] })
  async download(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<StreamableFile> {
    const file = await this.exports.download(actor, id);
    return new StreamableFile(file.body, {
      type: file.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
      disposition: `attachment; filename="${file.filename}"`,
    });
  }

  @Roles('district_admin')
  @Get('students/:id/disclosures')
  @Operation({
    summary: 'Where a student’s data went',
    description: 'Newest first: by disclosedAt descending, then exportId. Disclosures never change: `updatedSince` keeps those made at or after it.',
    answer: Paged(DisclosureReply),
    errors: [403, 404],
  })
  disclosures(@CurrentActor() actor: Actor, @IdParam() id: string, @Query() query: SyncPageQuery): Promise<Page<DisclosureReply>> {
    return this.exports.disclosures(actor, id, query);
  }
}

import { Body, Controller, Get, HttpCode, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { PageQuery } from '@sessionledger/common';
import { DisclosureReply, ExportPageReply, ExportReply, StartExportBody } from '@sessionledger/contracts';
import { IdParam } from '../http/id-param';
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
  @HttpCode(202)
  start(@CurrentActor() actor: Actor, @Body() body: StartExportBody): Promise<ExportReply> {
    return this.exports.start(actor, body);
  }

  @Roles('district_admin')
  @Get('reporting/exports')
  list(@CurrentActor() actor: Actor, @Query() query: PageQuery): Promise<ExportPageReply> {
    return this.exports.list(actor, query);
  }

  @Roles('district_admin')
  @Get('reporting/exports/:id')
  get(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<ExportReply> {
    return this.exports.get(actor, id);
  }

  @Roles('district_admin')
  @Get('reporting/exports/:id/download')
  async download(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<StreamableFile> {
    const file = await this.exports.download(actor, id);
    return new StreamableFile(file.body, {
      type: file.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
      disposition: `attachment; filename="${file.filename}"`,
    });
  }

  @Roles('district_admin')
  @Get('students/:id/disclosures')
  disclosures(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<DisclosureReply[]> {
    return this.exports.disclosures(actor, id);
  }
}

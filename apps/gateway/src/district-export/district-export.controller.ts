import { Body, Controller, Get, Post, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { IdParam } from '../http/id-param';
import { Operation } from '../http/openapi';
import { FileAnswer } from '../sessions/answer-schemas';
import { DistrictExportReply, StartDistrictExportBody, StartRecordsRequestBody } from './district-export.dto';
import { DistrictExportsService } from './district-export.service';

/**
 * Everything the district owns (portability), or everything it holds about
 * one student (a family's records request), as a zip built in the
 * background. District admins only: either sends data out of the district.
 */
@ApiTags('district-exports')
@ApiBearerAuth()
@Controller()
export class DistrictExportsController {
  constructor(private readonly exports: DistrictExportsService) {}

  @Roles('district_admin')
  @Post('district-exports')
  @Operation({
    summary: 'Export everything the district owns',
    description: '202 at once with the queued export; poll GET /api/district-exports/{id}, then download GET /api/district-exports/{id}/file (a zip of JSON Lines files and manifest.json).',
    answer: DistrictExportReply,
    status: 202,
    errors: [403, 503],
  })
  startDistrict(@CurrentActor() actor: Actor, @Body() _body: StartDistrictExportBody): Promise<DistrictExportReply> {
    return this.exports.startDistrict(actor);
  }

  @Roles('district_admin')
  @Post('students/:id/records-requests')
  @Operation({
    summary: 'Hand a family everything the district holds about a student',
    description:
      '202 at once with the queued request; poll and download it like a district export. Other students of group sessions are left out or redacted; when the file is ready the request is recorded as a disclosure (GET /api/students/{id}/disclosures).',
    answer: DistrictExportReply,
    status: 202,
    errors: [403, 404, 503],
  })
  startRecordsRequest(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: StartRecordsRequestBody): Promise<DistrictExportReply> {
    return this.exports.startRecordsRequest(actor, id, body);
  }

  @Roles('district_admin')
  @Get('district-exports/:id')
  @Operation({ summary: 'Read a district export or records request (status, progress, per-file counts)', answer: DistrictExportReply, errors: [403, 404] })
  get(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<DistrictExportReply> {
    return this.exports.get(actor, id);
  }

  @Roles('district_admin')
  @Get('district-exports/:id/file')
  @FileAnswer('The zip (attachment): one JSON Lines file per table and manifest.json', { 'application/zip': { schema: { type: 'string', format: 'binary' } } })
  @Operation({ summary: 'Download a finished district export or records request', description: 'Not finished → 409 DISTRICT_EXPORT.NOT_READY.', answer: null, errors: [403, 404, 409] })
  async file(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<StreamableFile> {
    const file = await this.exports.download(actor, id);
    return new StreamableFile(file.body, { type: 'application/zip', disposition: `attachment; filename="${file.filename}"` });
  }
}

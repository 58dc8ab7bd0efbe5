import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Page } from '@sessionledger/common';
import {
  DisclosureReply,
  ExportChunkReply,
  ExportPageReply,
  ExportReply,
  GET_EXPORT,
  GET_EXPORT_CHUNK,
  GetExportChunkCommand,
  GetExportCommand,
  LIST_DISCLOSURES,
  LIST_EXPORTS,
  ListDisclosuresCommand,
  ListExportsCommand,
  START_EXPORT,
  StartExportCommand,
} from '@sessionledger/contracts';
import { ExportsService } from './exports.service';

@Controller()
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @MessagePattern(START_EXPORT.pattern)
  start(@Payload() command: StartExportCommand): Promise<ExportReply> {
    return this.exports.start(command);
  }

  @MessagePattern(GET_EXPORT.pattern)
  get(@Payload() command: GetExportCommand): Promise<ExportReply> {
    return this.exports.get(command);
  }

  @MessagePattern(LIST_EXPORTS.pattern)
  list(@Payload() command: ListExportsCommand): Promise<ExportPageReply> {
    return this.exports.list(command);
  }

  @MessagePattern(GET_EXPORT_CHUNK.pattern)
  chunk(@Payload() command: GetExportChunkCommand): Promise<ExportChunkReply> {
    return this.exports.chunk(command);
  }

  @MessagePattern(LIST_DISCLOSURES.pattern)
  disclosures(@Payload() command: ListDisclosuresCommand): Promise<Page<DisclosureReply>> {
    return this.exports.disclosures(command);
  }
}

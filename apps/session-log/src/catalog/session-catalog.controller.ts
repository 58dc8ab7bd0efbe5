import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CatalogReply, GET_SESSION_CATALOG, GetCatalogCommand, UPDATE_SESSION_CATALOG, UpdateCatalogCommand } from '@sessionledger/contracts';
import { SessionCatalogService } from './session-catalog.service';

@Controller()
export class SessionCatalogController {
  constructor(private readonly catalogs: SessionCatalogService) {}

  @MessagePattern(GET_SESSION_CATALOG.pattern)
  get(@Payload() command: GetCatalogCommand): Promise<CatalogReply> {
    return this.catalogs.get(command);
  }

  @MessagePattern(UPDATE_SESSION_CATALOG.pattern)
  update(@Payload() command: UpdateCatalogCommand): Promise<CatalogReply> {
    return this.catalogs.update(command);
  }
}

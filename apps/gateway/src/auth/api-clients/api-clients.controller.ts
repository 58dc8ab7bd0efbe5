import { Body, Controller, Delete, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { Page } from '@sessionledger/common';
import { IdParam } from '../../http/id-param';
import { NoIdempotentReplay } from '../../http/idempotency.interceptor';
import { Operation, Paged } from '../../http/openapi';
import { ApiClientListQuery, ApiClientReply, ApiClientSecretReply, CreateApiClientBody } from './api-clients.dto';
import { ApiClientsService } from './api-clients.service';

/*
 * Answers that carry a secret are never stored for idempotent replay: the
 * secret is shown once, and Redis must not hold a copy for 24 hours.
 */
@ApiTags('api clients')
@ApiBearerAuth()
@Controller('api-clients')
export class ApiClientsController {
  constructor(private readonly clients: ApiClientsService) {}

  @Roles('district_admin')
  @Post()
  @NoIdempotentReplay()
  @Operation({ summary: 'Create an API client (its secret is shown this once)', answer: ApiClientSecretReply, status: 201, errors: [403, 422] })
  create(@CurrentActor() actor: Actor, @Body() body: CreateApiClientBody): Promise<ApiClientSecretReply> {
    return this.clients.create(actor, body);
  }

  @Roles('district_admin')
  @Get()
  @Operation({
    summary: 'List the district’s API clients',
    description: 'Newest first (ties by id); revoked ones included. Never the secret.',
    answer: Paged(ApiClientReply),
    errors: [403],
  })
  list(@CurrentActor() actor: Actor, @Query() query: ApiClientListQuery): Promise<Page<ApiClientReply>> {
    return this.clients.list(actor, query);
  }

  @Roles('district_admin')
  @Post(':id/rotate-secret')
  @NoIdempotentReplay()
  @Operation({ summary: 'Replace an API client’s secret (the new one is shown this once)', answer: ApiClientSecretReply, errors: [403, 404] })
  rotate(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<ApiClientSecretReply> {
    return this.clients.rotateSecret(actor, id);
  }

  @Roles('district_admin')
  @Delete(':id')
  @Operation({ summary: 'Revoke an API client: its secret and tokens stop working at once', answer: null, status: 204, errors: [403, 404] })
  revoke(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<void> {
    return this.clients.revoke(actor, id);
  }
}

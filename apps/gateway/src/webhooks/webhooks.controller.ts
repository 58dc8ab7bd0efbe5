import { Body, Controller, Delete, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { Page, SyncPageQuery } from '@sessionledger/common';
import { IdParam } from '../http/id-param';
import { Operation, Paged } from '../http/openapi';
import { WebhookEndpoints } from './webhook-endpoints.service';
import {
  CreateWebhookEndpointBody,
  UpdateWebhookEndpointBody,
  WebhookDeliveryQuery,
  WebhookDeliveryReply,
  WebhookEndpointReply,
  WebhookEndpointWithSecretReply,
} from './webhooks.dto';

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly endpoints: WebhookEndpoints) {}

  @Roles('district_admin')
  @Post('endpoints')
  @Operation({
    summary: 'Register a webhook endpoint',
    description: 'The answer carries the signing secret, the only time besides a rotation that it is shown.',
    answer: WebhookEndpointWithSecretReply,
    status: 201,
    errors: [403, 422, 503],
  })
  create(@CurrentActor() actor: Actor, @Body() body: CreateWebhookEndpointBody): Promise<WebhookEndpointWithSecretReply> {
    return this.endpoints.create(actor, body);
  }

  @Roles('district_admin')
  @Get('endpoints')
  @Operation({ summary: "List the district's webhook endpoints", description: 'Oldest first (ties by id).', answer: Paged(WebhookEndpointReply), errors: [403] })
  list(@CurrentActor() actor: Actor, @Query() query: SyncPageQuery): Promise<Page<WebhookEndpointReply>> {
    return this.endpoints.list(actor, query);
  }

  @Roles('district_admin')
  @Get('endpoints/:id')
  @Operation({ summary: 'Get a webhook endpoint', answer: WebhookEndpointReply, errors: [403, 404] })
  get(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<WebhookEndpointReply> {
    return this.endpoints.get(actor, id);
  }

  @Roles('district_admin')
  @Patch('endpoints/:id')
  @Operation({ summary: 'Change a webhook endpoint (URL, events, description, enabled)', answer: WebhookEndpointReply, errors: [403, 404, 409] })
  update(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: UpdateWebhookEndpointBody): Promise<WebhookEndpointReply> {
    return this.endpoints.update(actor, id, body);
  }

  @Roles('district_admin')
  @Delete('endpoints/:id')
  @Operation({ summary: 'Delete a webhook endpoint and its delivery log', answer: null, status: 204, errors: [403, 404] })
  remove(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<void> {
    return this.endpoints.remove(actor, id);
  }

  @Roles('district_admin')
  @Post('endpoints/:id/rotate-secret')
  @Operation({ summary: "Replace a webhook endpoint's signing secret", answer: WebhookEndpointWithSecretReply, errors: [403, 404, 503] })
  rotateSecret(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<WebhookEndpointWithSecretReply> {
    return this.endpoints.rotateSecret(actor, id);
  }

  @Roles('district_admin')
  @Get('endpoints/:id/deliveries')
  @Operation({
    summary: "A webhook endpoint's delivery log",
    description: 'Newest first (ties by id), each delivery with its attempts; `updatedSince` filters on the last change of a delivery.',
    answer: Paged(WebhookDeliveryReply),
    errors: [403, 404],
  })
  deliveries(@CurrentActor() actor: Actor, @IdParam() id: string, @Query() query: WebhookDeliveryQuery): Promise<Page<WebhookDeliveryReply>> {
    return this.endpoints.deliveryLog(actor, id, query);
  }

  @Roles('district_admin')
  @Post('deliveries/:id/replay')
  @Operation({
    summary: 'Send a webhook delivery again',
    description: 'Same body and `webhook-id`; a new attempt (retried like the first) is added to the log.',
    answer: WebhookDeliveryReply,
    status: 202,
    errors: [403, 404, 409],
  })
  replay(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<WebhookDeliveryReply> {
    return this.endpoints.replay(actor, id);
  }
}

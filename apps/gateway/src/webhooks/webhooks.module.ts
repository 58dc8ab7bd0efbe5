import { Module } from '@nestjs/common';
import { WebhookDeliveries } from './webhook-deliveries';
import { WebhookEndpoints } from './webhook-endpoints.service';
import { WebhookEventsController } from './webhook-events.controller';
import { WebhookSecrets } from './webhook-secrets';
import { WebhooksController } from './webhooks.controller';

@Module({
  controllers: [WebhooksController, WebhookEventsController],
  providers: [WebhookEndpoints, WebhookDeliveries, WebhookSecrets],
})
export class WebhooksModule {}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { SyncPageQuery } from '@sessionledger/common';
import { IfPresent, MAX_VERSION } from '../directory/shared/dto';
import { MAX_WEBHOOK_URL_LENGTH } from './webhook-target';
import { WEBHOOK_EVENT_TYPES, WebhookEventType } from './webhook-events';

const EVENTS_MESSAGE = `each value in events must be one of ${WEBHOOK_EVENT_TYPES.join(', ')}`;

export class CreateWebhookEndpointBody {
  @ApiProperty({
    description: 'Where deliveries are POSTed: https only, no user name or password, not a private or loopback address',
    maxLength: MAX_WEBHOOK_URL_LENGTH,
    example: 'https://sis.example.org/hooks/sessionledger',
  })
  @IsString()
  @MaxLength(MAX_WEBHOOK_URL_LENGTH)
  url: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true, minItems: 1, maxItems: WEBHOOK_EVENT_TYPES.length, example: ['session.posted', 'session.amended'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true, message: EVENTS_MESSAGE })
  events: WebhookEventType[];

  @ApiPropertyOptional({ maxLength: 500, example: 'Student information system' })
  @IfPresent()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ default: true })
  @IfPresent()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateWebhookEndpointBody {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_VERSION, description: 'The version you read; a stale one answers 409', example: 1 })
  @IsInt()
  @Min(1)
  @Max(MAX_VERSION)
  version: number;

  @ApiPropertyOptional({ maxLength: MAX_WEBHOOK_URL_LENGTH, example: 'https://sis.example.org/hooks/sessionledger' })
  @IfPresent()
  @IsString()
  @MaxLength(MAX_WEBHOOK_URL_LENGTH)
  url?: string;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_TYPES, isArray: true, minItems: 1, maxItems: WEBHOOK_EVENT_TYPES.length })
  @IfPresent()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true, message: EVENTS_MESSAGE })
  events?: WebhookEventType[];

  @ApiPropertyOptional({ maxLength: 500 })
  @IfPresent()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ description: 'true re-enables an endpoint the platform disabled after failing for days' })
  @IfPresent()
  @IsBoolean()
  enabled?: boolean;
}

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

export class WebhookDeliveryQuery extends SyncPageQuery {
  @ApiPropertyOptional({ enum: WEBHOOK_DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(WEBHOOK_DELIVERY_STATUSES)
  status?: WebhookDeliveryStatus;
}

export class WebhookEndpointReply {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ maxLength: MAX_WEBHOOK_URL_LENGTH })
  url: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true })
  events: WebhookEventType[];

  @ApiProperty({ maxLength: 500 })
  description: string;

  @ApiProperty()
  enabled: boolean;

  @ApiProperty({ type: String, nullable: true, description: 'Why the platform disabled it (failing for days); null otherwise' })
  disabledReason: string | null;

  @ApiProperty({ type: 'integer', minimum: 1 })
  version: number;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt: string;
}

export class WebhookEndpointWithSecretReply extends WebhookEndpointReply {
  @ApiProperty({ description: 'The signing secret; shown only now (and on the next rotation)', example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' })
  secret: string;
}

export class WebhookAttemptReply {
  @ApiProperty({ type: 'integer', minimum: 1 })
  attempt: number;

  @ApiProperty({ description: 'Made by a replay request' })
  replay: boolean;

  @ApiProperty({ type: String, format: 'date-time' })
  startedAt: string;

  @ApiProperty({ type: 'integer', minimum: 0 })
  durationMs: number;

  @ApiProperty({ type: 'integer', nullable: true, description: 'The receiver’s HTTP status; null when it never answered' })
  statusCode: number | null;

  @ApiProperty({ type: String, nullable: true })
  error: string | null;

  @ApiProperty({ enum: ['delivered', 'failed'] })
  outcome: 'delivered' | 'failed';

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the next retry is due; null when none follows' })
  nextAttemptAt: string | null;
}

export class WebhookDeliveryReply {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  endpointId: string;

  @ApiProperty({ format: 'uuid', description: 'The `webhook-id` header: the same on every attempt and replay' })
  webhookId: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES })
  type: WebhookEventType;

  @ApiProperty({ enum: WEBHOOK_DELIVERY_STATUSES })
  status: WebhookDeliveryStatus;

  @ApiProperty({ type: 'integer', minimum: 0 })
  attemptCount: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  nextAttemptAt: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  deliveredAt: string | null;

  @ApiProperty({ type: [WebhookAttemptReply], description: 'Every attempt, oldest first (the last 50)' })
  attempts: WebhookAttemptReply[];
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { SyncPageQuery } from '@sessionledger/common';
import { NOTIFICATION_KINDS, type NotificationKind } from '@sessionledger/contracts';
import { toBoolean } from '../directory/shared/dto';

export class NotificationsQuery extends SyncPageQuery {
  @ApiPropertyOptional({ type: Boolean, description: 'Only notifications not read yet' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  unread?: boolean;

  @ApiPropertyOptional({ enum: NOTIFICATION_KINDS, description: 'Only notifications of this kind (the web header reads `job-finished`)' })
  @IsOptional()
  @IsIn(NOTIFICATION_KINDS)
  kind?: NotificationKind;
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { SyncPageQuery } from '@sessionledger/common';
import { toBoolean } from '../directory/shared/dto';

export class NotificationsQuery extends SyncPageQuery {
  @ApiPropertyOptional({ type: Boolean, description: 'Only notifications not read yet' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  unread?: boolean;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { toBoolean } from '../../directory/shared/dto';
import { SIGN_IN_METHODS, SignInMethod } from './sign-in.entity';

/** A sign-in that has not ended: one browser or app holding a refresh token of the account. */
export class SignInRecordReply {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Firefox on Windows', maxLength: 64, description: 'Guessed from the User-Agent; any client can send any User-Agent' })
  device: string;

  @ApiProperty({ type: String, nullable: true, maxLength: 256, description: 'As the browser sent it, control characters removed' })
  userAgent: string | null;

  @ApiProperty({ type: String, nullable: true, example: '203.0.113.7', description: 'The client address it was last used from' })
  address: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  startedAt: string;

  @ApiProperty({ type: String, format: 'date-time', description: 'Signed in, or last refreshed' })
  lastUsedAt: string;

  @ApiProperty({ type: String, enum: SIGN_IN_METHODS, nullable: true, description: 'null for sign-ins begun before sign-ins were recorded' })
  method: SignInMethod | null;

  @ApiProperty({ description: 'The sign-in whose access token made this request' })
  current: boolean;
}

export class EndedSignInsReply {
  @ApiProperty({ minimum: 0, example: 2, description: 'How many sign-ins were ended' })
  ended: number;
}

export class EndSignInsQuery {
  @ApiPropertyOptional({ type: Boolean, default: true, description: 'Keep the sign-in making this request (default) or end it too' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  keepCurrent?: boolean;
}

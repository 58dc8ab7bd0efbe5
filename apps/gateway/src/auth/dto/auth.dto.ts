import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { EmailAddress } from '../../directory/shared/dto';

export class SignInRequest {
  @ApiProperty({ example: 'tutor@demo.sessionledger.test' })
  @EmailAddress()
  email: string;

  @ApiProperty({ example: 'demo-password-1' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password: string;
}

export class RefreshRequest {
  @ApiProperty({ description: 'The refresh token from sign-in or the last refresh' })
  @IsString()
  @Matches(/^[0-9a-f-]{36}\.[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/, { message: 'refreshToken is not a refresh token' })
  refreshToken: string;
}

export class TokenPair {
  @ApiProperty()
  accessToken: string;

  @ApiProperty({ description: 'Seconds until the access token expires' })
  expiresIn: number;

  @ApiProperty()
  refreshToken: string;

  @ApiProperty({ example: 'Bearer' })
  tokenType: 'Bearer';
}

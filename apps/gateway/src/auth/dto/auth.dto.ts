import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { EmailAddress } from '../../directory/shared/dto';

export class SignInRequest {
  @ApiProperty({ format: 'email', maxLength: 254, example: 'tutor@demo.sessionledger.test' })
  @EmailAddress()
  email: string;

  @ApiProperty({ minLength: 1, maxLength: 1024, example: 'demo-password-1' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password: string;
}

export class RefreshRequest {
  @ApiProperty({
    description: 'The refresh token from sign-in or the last refresh',
    pattern: '^[0-9a-f-]{36}\\.[0-9a-f-]{36}\\.[A-Za-z0-9_-]{43}$',
    example: '5f0c6c1e-8d7a-4a57-9a8e-2f7f0b6f3c11.0b5f3d8e-6a8e-4f7e-9b1e-5c2d7a9e4f10.q8mF0m3v9r3Jx0kzq7d1cYy2bT6uVn4sPz5wQh8eR1A',
  })
  @IsString()
  @Matches(/^[0-9a-f-]{36}\.[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/, { message: 'refreshToken is not a refresh token' })
  refreshToken: string;
}

export class TokenPair {
  @ApiProperty({ description: 'A JWT for `Authorization: Bearer …`' })
  accessToken: string;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'Seconds until the access token expires', example: 900 })
  expiresIn: number;

  @ApiProperty({ description: 'Single use: trade it at POST /api/auth/refresh for a new pair' })
  refreshToken: string;

  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' })
  tokenType: 'Bearer';
}

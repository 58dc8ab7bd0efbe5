import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { MAIL_LANGUAGES, MailLanguage } from '@sessionledger/platform';
import { EmailAddress } from '../directory/shared/dto';

const TOKEN_SHAPE = /^[0-9a-f-]{36}\.[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/;

export class CreateInvitationRequest {
  @ApiPropertyOptional({ format: 'uuid', description: 'A staff member (user id) to invite', example: '0b5f3d8e-6a8e-4f7e-9b1e-5c2d7a9e4f10' })
  @IsOptional()
  @IsUUID()
  staffId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'A guardian to invite (at the address on their record); a sign-in account is created for them' })
  @IsOptional()
  @IsUUID()
  guardianId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'A student to invite; a sign-in account is created at `email` unless they have one' })
  @IsOptional()
  @IsUUID()
  studentId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Everyone this roster import created (district admins; sent alone): answers 202 with a batch whose progress GET /api/invitations/batches/{id} reads',
  })
  @IsOptional()
  @IsUUID()
  rosterImportId?: string;

  @ApiPropertyOptional({ format: 'email', maxLength: 254, description: "The student's address (students' records carry none)" })
  @IsOptional()
  @EmailAddress()
  email?: string;

  @ApiPropertyOptional({ enum: MAIL_LANGUAGES, description: "Sets the person's language (e-mail is written in it); unchanged when left out" })
  @IsOptional()
  @IsIn(MAIL_LANGUAGES)
  language?: MailLanguage;
}

export class InvitationResponse {
  @ApiProperty({ format: 'uuid' })
  userId: string;

  @ApiProperty({ format: 'email' })
  email: string;

  @ApiProperty({ enum: MAIL_LANGUAGES })
  language: MailLanguage;

  @ApiProperty({ format: 'date-time', description: 'When the link stops working' })
  expiresAt: string;

  @ApiProperty({ description: 'false when the installation sends no e-mail (no SMTP_URL nor MAIL_DIR)' })
  emailed: boolean;
}

export class SetPasswordRequest {
  @ApiProperty({ pattern: TOKEN_SHAPE.source, description: 'The token of the link in the e-mail', example: '5f0c6c1e-8d7a-4a57-9a8e-2f7f0b6f3c11.0b5f3d8e-6a8e-4f7e-9b1e-5c2d7a9e4f10.q8mF0m3v9r3Jx0kzq7d1cYy2bT6uVn4sPz5wQh8eR1A' })
  @IsString()
  @Matches(TOKEN_SHAPE, { message: 'token is not a link token' })
  token: string;

  @ApiProperty({ minLength: 1, maxLength: 1024, description: 'At least 12 characters, not a common password', example: 'correct horse battery staple' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password: string;
}

export class PasswordResetRequest {
  @ApiProperty({ format: 'email', maxLength: 254, example: 'tutor@demo.sessionledger.test' })
  @EmailAddress()
  email: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { MAIL_LANGUAGES, MailLanguage } from '@sessionledger/platform';
import { EmailAddress } from '../directory/shared/dto';

const TOKEN_SHAPE = /^[0-9a-f-]{36}\.[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/;

export class CreateInvitationRequest {
  @ApiPropertyOptional({ description: 'A staff member (user id) to invite' })
  @IsOptional()
  @IsUUID()
  staffId?: string;

  @ApiPropertyOptional({ description: 'A guardian to invite (at the address on their record); a sign-in account is created for them' })
  @IsOptional()
  @IsUUID()
  guardianId?: string;

  @ApiPropertyOptional({ description: 'A student to invite; a sign-in account is created at `email` unless they have one' })
  @IsOptional()
  @IsUUID()
  studentId?: string;

  @ApiPropertyOptional({ description: 'Everyone this roster import created (district admins): answers 202 with a batch whose progress GET /api/invitations/batches/:id reads' })
  @IsOptional()
  @IsUUID()
  rosterImportId?: string;

  @ApiPropertyOptional({ description: "The student's address (students' records carry none)" })
  @IsOptional()
  @EmailAddress()
  email?: string;

  @ApiPropertyOptional({ enum: MAIL_LANGUAGES, description: "Sets the person's language (e-mail is written in it); unchanged when left out" })
  @IsOptional()
  @IsIn(MAIL_LANGUAGES)
  language?: MailLanguage;
}

export class InvitationResponse {
  @ApiProperty()
  userId: string;

  @ApiProperty()
  email: string;

  @ApiProperty({ enum: MAIL_LANGUAGES })
  language: MailLanguage;

  @ApiProperty()
  expiresAt: string;

  @ApiProperty({ description: 'false when the installation sends no e-mail (no SMTP_URL nor MAIL_DIR)' })
  emailed: boolean;
}

export class SetPasswordRequest {
  @ApiProperty({ description: 'The token of the link in the e-mail' })
  @IsString()
  @Matches(TOKEN_SHAPE, { message: 'token is not a link token' })
  token: string;

  @ApiProperty({ description: 'At least 12 characters, not a common password' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password: string;
}

export class PasswordResetRequest {
  @ApiProperty({ example: 'tutor@demo.sessionledger.test' })
  @EmailAddress()
  email: string;
}

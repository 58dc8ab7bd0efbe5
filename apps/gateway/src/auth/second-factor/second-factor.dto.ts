import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, Matches } from 'class-validator';
import { TokenPair } from '../dto/auth.dto';

const TOTP_CODE = /^\d{6}$/;
// Recovery codes are shown as xxxx-xxxx-xxxx; people also type them without dashes, with spaces, in capitals.
const RECOVERY_CODE = /^[A-Za-z0-9][A-Za-z0-9 -]{10,18}[A-Za-z0-9]$/;
const MFA_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export class TotpEnrolmentReply {
  @ApiProperty({ description: 'The new secret, base32 (for typing in when the QR code cannot be scanned)', example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' })
  secret: string;

  @ApiProperty({
    description: 'Key URI for the QR code an authenticator app scans',
    example: 'otpauth://totp/Sessionledger:admin%40district.example?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Sessionledger&algorithm=SHA1&digits=6&period=30',
  })
  otpauthUri: string;
}

export class TotpCodeRequest {
  @ApiProperty({ description: 'The 6-digit code the authenticator app shows now', pattern: TOTP_CODE.source, example: '492039' })
  @Matches(TOTP_CODE, { message: 'code must be the 6 digits the authenticator app shows' })
  code: string;
}

/** A second factor for a route that needs one: exactly one of `code` and `recoveryCode`. */
export class SecondFactorProofRequest {
  @ApiPropertyOptional({ description: 'The 6-digit code the authenticator app shows now', pattern: TOTP_CODE.source, example: '492039' })
  @IsOptional()
  @Matches(TOTP_CODE, { message: 'code must be the 6 digits the authenticator app shows' })
  code?: string;

  @ApiPropertyOptional({ description: 'One unused recovery code (spent by this use)', pattern: RECOVERY_CODE.source, example: 'k7m2-q9xd-w4ht' })
  @IsOptional()
  @Matches(RECOVERY_CODE, { message: 'recoveryCode must be a recovery code such as k7m2-q9xd-w4ht' })
  recoveryCode?: string;
}

export class MfaSignInRequest extends SecondFactorProofRequest {
  @ApiProperty({ description: 'The mfaToken the password or SSO step answered', pattern: MFA_TOKEN.source, example: 'q3JX0mD0cB3vVj9Yc1q9Qk2b3Jt7G5rP8wU2nXyZaBc' })
  @Matches(MFA_TOKEN, { message: 'mfaToken is not an mfaToken' })
  mfaToken: string;
}

export class RecoveryCodesReply {
  @ApiProperty({ type: [String], description: 'Ten single-use recovery codes; shown this once, kept only as hashes', example: ['k7m2-q9xd-w4ht'] })
  recoveryCodes: string[];
}

export class TotpConfirmReply extends RecoveryCodesReply {
  @ApiProperty({
    type: () => TokenPair,
    description: 'A new sign-in proven with the second factor; this account’s sign-ins that were not are ended',
  })
  tokens: TokenPair;
}

export class MfaStatusReply {
  @ApiProperty({ description: 'An authenticator is enrolled: every sign-in asks for its code' })
  enrolled: boolean;

  @ApiProperty({ description: 'An enrolment was started and waits for its first code' })
  pending: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  enrolledAt: string | null;

  @ApiProperty({ type: 'integer', minimum: 0, maximum: 10 })
  recoveryCodesLeft: number;

  @ApiProperty({ description: 'The district requires a second factor of this user’s role' })
  required: boolean;
}

/**
 * The answer of a first factor (password or SSO code): the token pair, or,
 * when the account has a second factor, `mfaRequired: true` with an
 * `mfaToken` for `POST /api/auth/mfa` instead.
 */
export class LoginReply {
  @ApiPropertyOptional({ description: 'Absent when mfaRequired' })
  accessToken?: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 900, description: 'Seconds until the access token (or the mfaToken) expires' })
  expiresIn: number;

  @ApiPropertyOptional({ description: 'Absent when mfaRequired' })
  refreshToken?: string;

  @ApiPropertyOptional({ enum: ['Bearer'], description: 'Absent when mfaRequired' })
  tokenType?: 'Bearer';

  @ApiPropertyOptional({ enum: [true], description: 'Present (true) when the second factor is still to come: send mfaToken and a code to POST /api/auth/mfa' })
  mfaRequired?: true;

  @ApiPropertyOptional({ description: 'Single use, valid for expiresIn seconds' })
  mfaToken?: string;
}

export interface MfaChallenge {
  mfaRequired: true;
  mfaToken: string;
  expiresIn: number;
}

export class PutDistrictSecurityRequest {
  @ApiProperty({ description: 'District admins and payroll must sign in with a second factor', example: true })
  @IsBoolean()
  mfaRequired: boolean;
}

export class DistrictSecurityReply {
  @ApiProperty()
  mfaRequired: boolean;

  @ApiProperty({ type: [String], enum: ['district_admin', 'payroll'], description: 'The roles the requirement applies to' })
  mfaRoles: string[];

  @ApiProperty({ type: 'integer', minimum: 0, description: '0 until first set' })
  version: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  updatedAt: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Who last changed it' })
  updatedBy: string | null;
}

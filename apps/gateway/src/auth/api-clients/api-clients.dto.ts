import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { API_SCOPES, ApiScope } from '@sessionledger/auth';
import { SyncPageQuery } from '@sessionledger/common';

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateApiClientBody {
  @ApiProperty({ example: 'Student information system', minLength: 1, maxLength: 100, description: 'For people: what uses this client' })
  @Transform(trimmed)
  @IsString()
  @MaxLength(100)
  @Matches(/\S/, { message: 'name must not be blank' })
  name: string;

  @ApiProperty({
    enum: API_SCOPES,
    isArray: true,
    minItems: 1,
    maxItems: API_SCOPES.length,
    uniqueItems: true,
    example: ['sessions:read'],
    description: '`read` grants every read scope; the others one area each',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(API_SCOPES.length)
  @ArrayUnique()
  @IsIn(API_SCOPES, { each: true, message: `each of scopes must be one of: ${API_SCOPES.join(', ')}` })
  scopes: ApiScope[];
}

/** An API client as listed: never its secret, which is shown once, when created or rotated. */
export class ApiClientReply {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'slc_3q2-7wEzR5uYkq0e8bXy1A', description: 'The OAuth `client_id`', pattern: '^slc_[A-Za-z0-9_-]{22}$' })
  clientId: string;

  @ApiProperty({ example: 'Student information system', maxLength: 100 })
  name: string;

  @ApiProperty({ enum: API_SCOPES, isArray: true })
  scopes: ApiScope[];

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', description: 'Created, rotated or revoked at' })
  updatedAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Set once revoked: its secret and every token it holds stop working' })
  revokedAt: string | null;
}

/** A client with its secret: the only answer that ever carries it. */
export class ApiClientSecretReply extends ApiClientReply {
  @ApiProperty({ description: 'The OAuth `client_secret`, shown this once; only its SHA-256 is kept', example: 'sls_Jm2b…' })
  clientSecret: string;
}

export class ApiClientListQuery extends SyncPageQuery {}

/**
 * RFC 6749 §4.4.2: the token request, as a form (`application/x-www-form-urlencoded`) or JSON.
 * Documents the body only: the use case checks it, so that its refusals are OAuth's errors.
 */
export class ClientCredentialsTokenRequest {
  @ApiProperty({ enum: ['client_credentials'], example: 'client_credentials' })
  grant_type: string;

  @ApiPropertyOptional({ maxLength: 1000, example: 'sessions:read', description: 'Space-separated; a subset of the client’s scopes. Left out: all of them' })
  scope?: string;

  @ApiPropertyOptional({ maxLength: 100, description: 'client_secret_post; or send both in HTTP Basic (client_secret_basic), never both ways' })
  client_id?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  client_secret?: string;
}

/** RFC 6749 §5.1. */
export class ClientCredentialsTokenReply {
  @ApiProperty({ description: 'A short-lived bearer token (JWT)' })
  access_token: string;

  @ApiProperty({ enum: ['Bearer'] })
  token_type: 'Bearer';

  @ApiProperty({ description: 'Seconds until the access token expires', minimum: 1, maximum: 900, example: 900 })
  expires_in: number;

  @ApiProperty({ example: 'sessions:read', description: 'The scopes granted, space-separated' })
  scope: string;
}

/** RFC 6749 §5.2: this route's errors, instead of the platform's `{ code, message }`. */
export class OAuthErrorReply {
  @ApiProperty({ enum: ['invalid_request', 'invalid_client', 'invalid_grant', 'unsupported_grant_type', 'invalid_scope', 'slow_down'] })
  error: string;

  @ApiPropertyOptional()
  error_description?: string;
}

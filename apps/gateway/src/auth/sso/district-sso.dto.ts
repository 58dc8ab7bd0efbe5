import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateBy } from 'class-validator';

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

/** Plain http would let anyone on the path swap the provider's keys; only a provider on this machine (tests, local demos) may use it. */
export function isIssuerUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    if (url.search || url.hash || url.username || url.password) return false;
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.includes(url.hostname));
  } catch {
    return false;
  }
}

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const lowerDomains = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.map((domain) => (typeof domain === 'string' ? domain.trim().toLowerCase() : domain)) : value;

export class PutDistrictSsoRequest {
  @ApiProperty({ format: 'uri', maxLength: 500, example: 'https://accounts.google.com', description: 'The OpenID issuer; its /.well-known/openid-configuration must be reachable' })
  @Transform(trimmed)
  @MaxLength(500)
  @ValidateBy({ name: 'issuerUrl', validator: { validate: isIssuerUrl, defaultMessage: () => 'issuer must be an https URL without query or fragment' } })
  issuer: string;

  @ApiProperty({ minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$', example: '1234567890-abc.apps.googleusercontent.com' })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  @Matches(/^[\x21-\x7e]+$/, { message: 'clientId must be visible ASCII characters' })
  clientId: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 1024, description: 'Required the first time and when clientId changes; left out, the stored secret is kept. Never returned.' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  clientSecret?: string;

  @ApiProperty({
    type: 'array',
    items: { type: 'string', maxLength: 253, pattern: '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9-]{2,63}$' },
    minItems: 1,
    maxItems: 50,
    example: ['lincoln.k12.example.us'],
    description: 'Only e-mail addresses at these domains (exactly; no subdomains) may sign in',
  })
  @Transform(lowerDomains)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @Matches(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/, { each: true, message: 'each of allowedDomains must be a domain name such as district.k12.example.us' })
  allowedDomains: string[];

  @ApiPropertyOptional({
    pattern: '^[a-z0-9][a-z0-9-]{1,62}$',
    example: 'lincoln',
    description: 'A short name for the sign-in link (/api/auth/sso/<slug>/start), unique across the installation',
  })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9-]{1,62}$/, { message: 'slug must be 2-63 lower-case letters, digits or dashes' })
  slug?: string;
}

export class DistrictSsoResponse {
  @ApiProperty({ format: 'uri' })
  issuer: string;

  @ApiProperty()
  clientId: string;

  @ApiProperty({ type: [String] })
  allowedDomains: string[];

  @ApiProperty({ nullable: true, type: String })
  slug: string | null;

  @ApiProperty({ enum: [true], description: 'Always true: a secret is stored. The secret itself is never returned.' })
  clientSecretSet: true;

  @ApiProperty({ type: 'integer', minimum: 1 })
  version: number;

  @ApiProperty({ format: 'uri', description: 'The redirect URI to register at the provider' })
  redirectUri: string;
}

export class SsoExchangeRequest {
  @ApiProperty({ pattern: '^[A-Za-z0-9_-]{43}$', example: 'Jx0kzq7d1cYy2bT6uVn4sPz5wQh8eR1Aq8mF0m3v9r3', description: 'The one-time code from the fragment of the app URL (#sso_code=…)' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'code is not an SSO code' })
  code: string;
}

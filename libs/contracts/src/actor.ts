import { Type } from 'class-transformer';
import { ArrayUnique, IsArray, IsIn, IsInt, IsString, IsUUID, Max, Min, ValidateNested } from 'class-validator';

export const ROLES = ['district_admin', 'school_admin', 'provider', 'payroll', 'guardian', 'student'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who is acting, as the gateway authenticated them. Commands carry it so a
 * service can apply its own rules (a provider's own sessions, an admin's schools)
 * without calling back.
 */
export class ActorSnapshot {
  @IsUUID()
  userId: string;

  @IsUUID()
  districtId: string;

  @IsArray()
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles: Role[];

  @IsArray()
  @IsUUID('all', { each: true })
  schoolIds: string[];

  @IsString()
  displayName: string;
}

/** Base of every command payload: the tenant travels with each message. */
export abstract class TenantCommand {
  @ValidateNested()
  @Type(() => ActorSnapshot)
  actor: ActorSnapshot;
}

/** Base of every list command: the page asked for, at most 200 items a page. */
export abstract class PagedTenantCommand extends TenantCommand {
  @IsInt()
  @Min(1)
  page: number;

  @IsInt()
  @Min(1)
  @Max(200)
  pageSize: number;
}

/** Base of every event payload. */
export abstract class TenantEvent {
  @IsUUID()
  districtId: string;
}

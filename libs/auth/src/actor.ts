import type { ActorSnapshot, Role } from '@sessionledger/contracts';
import { ROLES } from '@sessionledger/contracts';

export { ROLES };
export type { Role };

export const PROVIDER_KINDS = ['tutor', 'coach', 'aide', 'therapist'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/** An API client acting through a client-credentials token: its row id and the scopes in force. */
export interface ApiClientIdentity {
  id: string;
  scopes: string[];
}

/**
 * The authenticated caller, loaded fresh on every request: a disabled user or
 * a withdrawn school approval takes effect on the next request, not when the
 * token expires.
 */
export class Actor implements ActorSnapshot {
  constructor(
    readonly userId: string,
    readonly districtId: string,
    readonly roles: Role[],
    readonly schoolIds: string[],
    readonly displayName: string,
    readonly providerKind: ProviderKind | null,
    /** Set when the caller is an API client (a machine token): its scopes, not roles, open routes. */
    readonly client: ApiClientIdentity | null = null,
  ) {}

  has(role: Role): boolean {
    return this.roles.includes(role);
  }

  get isDistrictAdmin(): boolean {
    return this.has('district_admin');
  }

  /** District admins reach every school; school admins only those they are approved at. */
  canAdministerSchool(schoolId: string): boolean {
    return this.isDistrictAdmin || (this.has('school_admin') && this.schoolIds.includes(schoolId));
  }

  /** Schools whose records this actor administers; `'all'` for a district admin. */
  administeredSchools(): 'all' | string[] {
    if (this.isDistrictAdmin) return 'all';
    return this.has('school_admin') ? this.schoolIds : [];
  }

  snapshot(): ActorSnapshot {
    return {
      userId: this.userId,
      districtId: this.districtId,
      roles: [...this.roles],
      schoolIds: [...this.schoolIds],
      displayName: this.displayName,
    };
  }
}

/* Who the coaching screens are for: providers whose kind is coach (`providerKind` of `GET /api/me`). */
import type { Me } from '@sessionledger/api-client';

export function coaches(me: Pick<Me, 'roles' | 'providerKind'>): boolean {
  return me.roles.includes('provider') && me.providerKind === 'coach';
}

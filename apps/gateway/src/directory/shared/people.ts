import { EntityManager, FilterQuery, QueryBuilder } from '@mikro-orm/postgresql';
import { DomainError } from '@sessionledger/common';
import { RefreshTokens } from '../../auth/refresh-tokens';
import { User } from '../directory.entities';
import { prefixPattern } from './records';

/**
 * The `q` of people lists: each word must be the first letters of the first
 * or the last name, so "ma ga" finds Maya Garcia and "gar" finds her too.
 */
export function namePrefixFilter<T extends { firstName: string; lastName: string }>(q: string): FilterQuery<T>[] {
  return q
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => ({ $or: [{ firstName: { $ilike: prefixPattern(word) } }, { lastName: { $ilike: prefixPattern(word) } }] }) as FilterQuery<T>);
}

/** `column IN (subquery)`: MikroORM renders a query builder's knex query in place of the value list. */
export function inSubquery<V>(query: Pick<QueryBuilder<object>, 'getKnexQuery'>): { $in: V[] } {
  return { $in: query.getKnexQuery() as unknown as V[] };
}

/** A 409 that names the field at fault, in the same `fields` shape as a 400. */
export function fieldConflict(code: string, field: string, problem: string): DomainError {
  return new DomainError('conflict', code, problem, [{ field, problems: [problem] }]);
}

/**
 * Turns the sign-in account behind a directory record on or off. Disabling
 * revokes every refresh token; the access token dies on its next request,
 * because the guard reloads the user each time.
 */
export async function setAccountActive(em: EntityManager, refreshTokens: RefreshTokens, userId: string | null | undefined, active: boolean): Promise<void> {
  if (!userId) return;
  const user = await em.findOne(User, { id: userId });
  if (!user) return;
  user.status = active ? 'active' : 'disabled';
  if (!active) await refreshTokens.revokeAllOf(em, user.id);
}

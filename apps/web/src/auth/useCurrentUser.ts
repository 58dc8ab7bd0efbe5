import { useContext } from 'react';
import { CurrentUserContext, type CurrentUser } from './CurrentUserContext';

export type { CurrentUser };

/**
 * The signed-in user (`me`: id, name, roles, schools, provider kind) and their
 * district (`district`: name, time zone, settings). Only inside the signed-in
 * shell, which loads both before rendering any screen.
 */
export function useCurrentUser(): CurrentUser {
  const user = useContext(CurrentUserContext);
  if (!user) throw new Error('useCurrentUser() is used outside the signed-in shell');
  return user;
}

import { useContext } from 'react';
import { AuthContext, type Auth } from './AuthContext';

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth() is used outside <AuthProvider>');
  return auth;
}

import { MantineProvider } from '@mantine/core';
import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { createBrowserRouter, Navigate, RouterProvider, type RouteObject } from 'react-router';
import { adminRoutes } from '../admin/routes';
import { districtAdminRoutes } from '../district-admin/routes';
import { familyRoutes } from '../family/routes';
import { AuthProvider } from '../auth/AuthProvider';
import { SignedInShell } from '../auth/SignedInShell';
import { SignInPage } from '../auth/SignInPage';
import { useCurrentUser } from '../auth/useCurrentUser';
import { isFamily } from '../family/roles';
import '../i18n/i18n';
import { payrollRoutes } from '../payroll/routes';
import { seriesRoutes } from '../series/routes';
import { sessionRoutes } from '../sessions/routes';
import { TodayPage } from '../today/TodayPage';
import { NotFoundPage } from './NotFoundPage';
import { createQueryClient } from './query-client';
import { cssVariablesResolver, theme } from './theme';

/**
 * Every screen of the app. Signed-in screens live under the shell, which
 * sends a signed-out visitor to /sign-in and back afterwards; the session
 * screens (`sessionRoutes`) are mounted there as they are.
 */
export const routes: RouteObject[] = [
  { path: '/sign-in', element: <SignInPage /> },
  {
    element: <SignedInShell />,
    children: [
      { index: true, element: <Home /> },
      { path: '/today', element: <TodayPage /> },
      ...sessionRoutes,
      ...seriesRoutes,
      ...payrollRoutes,
      ...adminRoutes,
      ...districtAdminRoutes,
      ...familyRoutes,
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];

/** Where a signed-in person starts: staff on their day, families on their sessions. */
function Home() {
  const { me } = useCurrentUser();
  return <Navigate to={isFamily(me.roles) ? '/family' : '/today'} replace />;
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  const [router] = useState(() => createBrowserRouter(routes));
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="light">
      <QueryClientProvider client={queryClient}>
        <AuthProvider>
          <RouterProvider router={router} />
        </AuthProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}

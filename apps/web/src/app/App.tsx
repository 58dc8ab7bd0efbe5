import { MantineProvider } from '@mantine/core';
import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { createBrowserRouter, Navigate, RouterProvider, type RouteObject } from 'react-router';
import { adminRoutes } from '../admin/routes';
import { coachingRoutes } from '../coaching/routes';
import { dashboardRoutes } from '../dashboards/routes';
import { directoryRoutes } from '../directory/routes';
import { districtAdminRoutes } from '../district-admin/routes';
import { familyRoutes } from '../family/routes';
import { AuthProvider } from '../auth/AuthProvider';
import { SignedInShell } from '../auth/SignedInShell';
import { SignInPage } from '../auth/SignInPage';
import { useCurrentUser } from '../auth/useCurrentUser';
import { isFamily } from '../family/roles';
import '../i18n/i18n';
import { readsPayroll } from '../payroll/period';
import { payrollRoutes } from '../payroll/routes';
import { seriesRoutes } from '../series/routes';
import { settingsRoutes } from '../settings/routes';
import { sessionRoutes } from '../sessions/routes';
import { TodayPage } from '../today/TodayPage';
import { workOrderRoutes } from '../work-orders/routes';
import { NotFoundPage } from './NotFoundPage';
import { createQueryClient } from './query-client';
import { worksWithSessions } from './staff-roles';
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
      ...dashboardRoutes,
      ...directoryRoutes,
      ...familyRoutes,
      ...settingsRoutes,
      ...workOrderRoutes,
      ...coachingRoutes,
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];

/** Where a signed-in person starts: session staff on their day, families on their sessions, payroll alone on the pay periods. */
function Home() {
  const { me } = useCurrentUser();
  const start = isFamily(me.roles) ? '/family' : !worksWithSessions(me.roles) && readsPayroll(me.roles) ? '/payroll' : '/today';
  return <Navigate to={start} replace />;
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

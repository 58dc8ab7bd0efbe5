/* The roster import and state reporting screens, mounted inside the signed-in shell; the API decides who may use them (district admins; school admins read the sessions left out). */
import type { RouteObject } from 'react-router';
import { RosterImportsPage } from './RosterImportsPage';
import { StateReportingPage } from './StateReportingPage';

export const districtAdminRoutes: RouteObject[] = [
  { path: '/admin/roster-imports', element: <RosterImportsPage /> },
  { path: '/admin/state-reporting', element: <StateReportingPage /> },
];

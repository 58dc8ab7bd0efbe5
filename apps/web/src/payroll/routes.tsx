/* The payroll screens, mounted inside the signed-in shell; the API decides who may read them (payroll, district admins). */
import type { RouteObject } from 'react-router';
import { PayPeriodPage } from './PayPeriodPage';
import { PayPeriodsPage } from './PayPeriodsPage';

export const payrollRoutes: RouteObject[] = [
  { path: '/payroll', element: <PayPeriodsPage /> },
  { path: '/payroll/periods/:id', element: <PayPeriodPage /> },
];

/* The dashboards, mounted inside the signed-in shell and loaded on first visit (the chart library stays out of every other screen's script); the API decides who may read them (district and school admins). */
import type { RouteObject } from 'react-router';

export const dashboardRoutes: RouteObject[] = [{ path: '/admin/dashboards', lazy: async () => ({ Component: (await import('./DashboardsPage')).DashboardsPage }) }];

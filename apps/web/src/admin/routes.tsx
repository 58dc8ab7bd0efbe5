/* The admin screens, mounted inside the signed-in shell; the API decides who may read them (district and school admins). */
import type { RouteObject } from 'react-router';
import { AdminSessionsPage } from './AdminSessionsPage';
import { AttentionPage } from './AttentionPage';

export const adminRoutes: RouteObject[] = [
  { path: '/admin/attention', element: <AttentionPage /> },
  { path: '/admin/sessions', element: <AdminSessionsPage /> },
];

/* The district settings screen, mounted inside the signed-in shell; the API lets district admins change what it shows. */
import type { RouteObject } from 'react-router';
import { SettingsPage } from './SettingsPage';

export const settingsRoutes: RouteObject[] = [{ path: '/admin/settings', element: <SettingsPage /> }];

/* The screens of guardians and students, mounted inside the signed-in shell. */
import type { RouteObject } from 'react-router';
import { FamilySessionsPage } from './FamilySessionsPage';

export const familyRoutes: RouteObject[] = [{ path: '/family', element: <FamilySessionsPage /> }];

/* The coaching screens, mounted inside the signed-in shell; they are for coaches (`providerKind` coach) and say so to anyone else. */
import type { RouteObject } from 'react-router';
import { TeacherPage } from './TeacherPage';
import { TeachersPage } from './TeachersPage';

export const coachingRoutes: RouteObject[] = [
  { path: '/coaching/teachers', element: <TeachersPage /> },
  { path: '/coaching/teachers/:staffId', element: <TeacherPage /> },
];

/* The directory screens, mounted inside the signed-in shell; the API decides who may read and change each record (district admins; school admins their schools'). */
import { Navigate, type RouteObject } from 'react-router';
import { DirectoryLayout } from './DirectoryLayout';
import { GroupListPage, GroupPage, NewGroupPage } from './GroupPages';
import { GuardianListPage, GuardianPage, NewGuardianPage } from './GuardianPages';
import { StaffGroupListPage, StaffGroupPage, NewStaffGroupPage } from './StaffGroupPages';
import { NewStaffPage, StaffListPage, StaffPage } from './StaffPages';
import { NewStudentPage, StudentListPage, StudentPage } from './StudentPages';

export const directoryRoutes: RouteObject[] = [
  {
    path: '/admin/directory',
    element: <DirectoryLayout />,
    children: [
      { index: true, element: <Navigate to="/admin/directory/staff" replace /> },
      { path: 'staff', element: <StaffListPage /> },
      { path: 'staff/new', element: <NewStaffPage /> },
      { path: 'staff/:id', element: <StaffPage /> },
      { path: 'students', element: <StudentListPage /> },
      { path: 'students/new', element: <NewStudentPage /> },
      { path: 'students/:id', element: <StudentPage /> },
      { path: 'guardians', element: <GuardianListPage /> },
      { path: 'guardians/new', element: <NewGuardianPage /> },
      { path: 'guardians/:id', element: <GuardianPage /> },
      { path: 'groups', element: <GroupListPage /> },
      { path: 'groups/new', element: <NewGroupPage /> },
      { path: 'groups/:id', element: <GroupPage /> },
      { path: 'staff-groups', element: <StaffGroupListPage /> },
      { path: 'staff-groups/new', element: <NewStaffGroupPage /> },
      { path: 'staff-groups/:id', element: <StaffGroupPage /> },
    ],
  },
];

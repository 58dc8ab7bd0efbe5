/* The work orders screen, mounted inside the signed-in shell; the API lets district admins issue any, school admins those of their schools. */
import type { RouteObject } from 'react-router';
import { WorkOrdersPage } from './WorkOrdersPage';

export const workOrderRoutes: RouteObject[] = [{ path: '/admin/work-orders', element: <WorkOrdersPage /> }];

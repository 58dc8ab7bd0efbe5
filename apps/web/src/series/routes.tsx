/* The provider's series screens, mounted inside the signed-in shell. */
import type { RouteObject } from 'react-router';
import { NewSeriesPage } from './NewSeriesPage';
import { SeriesListPage } from './SeriesListPage';
import { SeriesPage } from './SeriesPage';

export const seriesRoutes: RouteObject[] = [
  { path: '/series', element: <SeriesListPage /> },
  { path: '/series/new', element: <NewSeriesPage /> },
  { path: '/series/:id', element: <SeriesPage /> },
];

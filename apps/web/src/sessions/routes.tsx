/* The provider's session screens; W1 mounts them inside the signed-in shell. */
import type { RouteObject } from 'react-router';
import { BulkPostPage } from '../post/BulkPostPage';
import { PostPage } from '../post/PostPage';
import { NewSessionPage } from './NewSessionPage';
import { SessionPage } from './SessionPage';
import { SessionsPage } from './SessionsPage';

export const sessionRoutes: RouteObject[] = [
  { path: '/sessions', element: <SessionsPage /> },
  { path: '/sessions/new', element: <NewSessionPage /> },
  { path: '/sessions/:id', element: <SessionPage /> },
  { path: '/sessions/:id/post', element: <PostPage /> },
  { path: '/post', element: <BulkPostPage /> },
];

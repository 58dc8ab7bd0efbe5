import 'tsconfig-paths/register';
import { dropTestRun } from '@sessionledger/testing';

export default async function globalTeardown(): Promise<void> {
  const database = process.env.SL_TEST_DATABASE;
  const redisPrefix = process.env.SL_TEST_REDIS_PREFIX;
  if (database && redisPrefix && !process.env.SL_TEST_KEEP) await dropTestRun({ database, redisPrefix });
}

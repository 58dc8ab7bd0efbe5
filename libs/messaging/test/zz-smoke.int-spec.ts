import { Client } from 'pg';
import { newId } from '@sessionledger/common';
import { TenantTransactions } from '@sessionledger/persistence';
import { currentTestRun, TEST_POSTGRES, TEST_REDIS } from '@sessionledger/testing';
import { createProofSchema, newRelay, openProofOrm, produceSchoolChanges, proofSettings } from './fixtures/messaging-proof';

it('smoke', async () => {
  const settings = proofSettings(currentTestRun(), TEST_POSTGRES, TEST_REDIS);
  await createProofSchema(settings);
  const orm = await openProofOrm(settings);
  const admin = new Client({ connectionString: settings.adminUrl });
  await admin.connect();
  const produced = await produceSchoolChanges(new TenantTransactions(orm), settings.schema, newId(), [1, 2, 3]);
  console.log(produced);
  const relay = newRelay(orm, settings);
  try {
    console.log(await relay.relayOnce());
  } catch (e) { console.log('relay failed', (e as Error).message); }
  console.log((await admin.query(`select id, published_at from ${settings.schema}.outbox_event`)).rows);
  await relay.onApplicationShutdown();
  await admin.end();
  await orm.close();
});

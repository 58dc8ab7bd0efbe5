import { prepareFileDatabase } from '@sessionledger/testing';

// Every test file works in its own copy of the run's migrated database (see libs/testing/src/service-apps.ts).
beforeAll(() => prepareFileDatabase(), 60_000);

import { loadEnvironment } from '@sessionledger/config';
import { DemoSeeder } from './demo-seeder';
import { withOperatorContext } from './operator-context';

export async function seedDemoCommand(): Promise<void> {
  const { DEMO_PASSWORD } = loadEnvironment();
  const summaries = await withOperatorContext((context) => context.get(DemoSeeder).seed(DEMO_PASSWORD));
  for (const summary of summaries) {
    process.stdout.write(`${summary.district}: ${summary.created ? 'created' : 'already there'}; sign in as ${summary.users.join(', ')}\n`);
  }
}

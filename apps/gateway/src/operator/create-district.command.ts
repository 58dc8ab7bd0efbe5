import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DistrictProvisioning } from '../directory/district/district-provisioning';
import { withOperatorContext } from './operator-context';

const USAGE = `create-district --name NAME --time-zone ZONE --admin-email EMAIL [--admin-first-name F] [--admin-last-name L]
  The admin's password is read from ADMIN_PASSWORD, or generated and printed once.`;

export async function createDistrictCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      name: { type: 'string' },
      'time-zone': { type: 'string' },
      'admin-email': { type: 'string' },
      'admin-first-name': { type: 'string', default: 'District' },
      'admin-last-name': { type: 'string', default: 'Administrator' },
    },
    strict: true,
  });
  if (!values.name || !values['time-zone'] || !values['admin-email']) throw new Error(`missing arguments\n${USAGE}`);
  // eslint-disable-next-line no-restricted-properties -- a one-off operator secret, not configuration
  const provided = process.env.ADMIN_PASSWORD;
  const password = provided ?? randomBytes(12).toString('base64url');
  const created = await withOperatorContext((context) =>
    context.get(DistrictProvisioning).createDistrict({
      name: values.name!,
      timeZone: values['time-zone']!,
      admin: { email: values['admin-email']!, firstName: values['admin-first-name']!, lastName: values['admin-last-name']!, password },
      command: 'create-district',
    }),
  );
  process.stdout.write(`district ${created.districtId} created; admin ${values['admin-email']}${provided ? '' : ` with password ${password}`}\n`);
}

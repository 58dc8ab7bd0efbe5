import { OutboxEvent } from '@sessionledger/messaging';
import { ServicePersistence } from '@sessionledger/persistence';
import { RefreshToken } from './auth/refresh-token.entity';
import { SignIn } from './auth/sign-ins/sign-in.entity';
import { CalendarFeed } from './calendar/calendar-feed.entity';
import { DIRECTORY_ENTITIES } from './directory/directory.entities';
import { Migration20261125000000Foundation } from './migrations/Migration20261125000000Foundation';
import { Migration20261125120000RosterImport } from './migrations/Migration20261125120000RosterImport';
import { Migration20261125130000StudentSearch } from './migrations/Migration20261125130000StudentSearch';
import { Migration20261125200000CalendarFeed } from './migrations/Migration20261125200000CalendarFeed';
import { Migration20261125220000StaffGroups } from './migrations/Migration20261125220000StaffGroups';
import { Migration20261204000000SchoolAnnouncements } from './migrations/Migration20261204000000SchoolAnnouncements';
import { Migration20261204030000DistrictSso } from './migrations/Migration20261204030000DistrictSso';
import { Migration20261204120000InvitationsPasswordReset } from './migrations/Migration20261204120000InvitationsPasswordReset';
import { Migration20261205010000SecondFactor } from './migrations/Migration20261205010000SecondFactor';
import { Migration20261205020000SignIns } from './migrations/Migration20261205020000SignIns';
import { Migration20261205030000Webhooks } from './migrations/Migration20261205030000Webhooks';
import { Migration20261205040000ApiClients } from './migrations/Migration20261205040000ApiClients';
import { Migration20261205050000DirectoryUpdatedAt } from './migrations/Migration20261205050000DirectoryUpdatedAt';
import { Migration20261205070000NotificationMail } from './migrations/Migration20261205070000NotificationMail';
import { Migration20261206010000AuditLog } from './migrations/Migration20261206010000AuditLog';
import { Migration20261206030000Retention } from './migrations/Migration20261206030000Retention';
import { Migration20261206040000JobMail } from './migrations/Migration20261206040000JobMail';
import { Migration20261206050000AuditActorKinds } from './migrations/Migration20261206050000AuditActorKinds';
import { Migration20261206020000DistrictExports } from './migrations/Migration20261206020000DistrictExports';
import { RosterImport } from './roster/roster-import.entity';

export const GATEWAY_PERSISTENCE: ServicePersistence = {
  service: 'gateway',
  entities: [...DIRECTORY_ENTITIES, RefreshToken, SignIn, OutboxEvent, RosterImport, CalendarFeed],
  migrations: [
    { name: 'Migration20261125000000Foundation', class: Migration20261125000000Foundation },
    { name: 'Migration20261125120000RosterImport', class: Migration20261125120000RosterImport },
    { name: 'Migration20261125130000StudentSearch', class: Migration20261125130000StudentSearch },
    { name: 'Migration20261125200000CalendarFeed', class: Migration20261125200000CalendarFeed },
    { name: 'Migration20261125220000StaffGroups', class: Migration20261125220000StaffGroups },
    { name: 'Migration20261204000000SchoolAnnouncements', class: Migration20261204000000SchoolAnnouncements },
    { name: 'Migration20261204030000DistrictSso', class: Migration20261204030000DistrictSso },
    { name: 'Migration20261204120000InvitationsPasswordReset', class: Migration20261204120000InvitationsPasswordReset },
    { name: 'Migration20261205010000SecondFactor', class: Migration20261205010000SecondFactor },
    { name: 'Migration20261205020000SignIns', class: Migration20261205020000SignIns },
    { name: 'Migration20261205030000Webhooks', class: Migration20261205030000Webhooks },
    { name: 'Migration20261205040000ApiClients', class: Migration20261205040000ApiClients },
    { name: 'Migration20261205050000DirectoryUpdatedAt', class: Migration20261205050000DirectoryUpdatedAt },
    { name: 'Migration20261205070000NotificationMail', class: Migration20261205070000NotificationMail },
    { name: 'Migration20261206010000AuditLog', class: Migration20261206010000AuditLog },
    { name: 'Migration20261206020000DistrictExports', class: Migration20261206020000DistrictExports },
    { name: 'Migration20261206030000Retention', class: Migration20261206030000Retention },
    { name: 'Migration20261206040000JobMail', class: Migration20261206040000JobMail },
    { name: 'Migration20261206050000AuditActorKinds', class: Migration20261206050000AuditActorKinds },
  ],
  appendOnlyTables: ['audit_event', 'retention_disposal'],
};

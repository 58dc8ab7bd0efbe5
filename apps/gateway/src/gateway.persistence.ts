import { OutboxEvent } from '@sessionledger/messaging';
import { ServicePersistence } from '@sessionledger/persistence';
import { RefreshToken } from './auth/refresh-token.entity';
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
import { RosterImport } from './roster/roster-import.entity';

export const GATEWAY_PERSISTENCE: ServicePersistence = {
  service: 'gateway',
  entities: [...DIRECTORY_ENTITIES, RefreshToken, OutboxEvent, RosterImport, CalendarFeed],
  migrations: [
    { name: 'Migration20261125000000Foundation', class: Migration20261125000000Foundation },
    { name: 'Migration20261125120000RosterImport', class: Migration20261125120000RosterImport },
    { name: 'Migration20261125130000StudentSearch', class: Migration20261125130000StudentSearch },
    { name: 'Migration20261125200000CalendarFeed', class: Migration20261125200000CalendarFeed },
    { name: 'Migration20261125220000StaffGroups', class: Migration20261125220000StaffGroups },
    { name: 'Migration20261204000000SchoolAnnouncements', class: Migration20261204000000SchoolAnnouncements },
    { name: 'Migration20261204030000DistrictSso', class: Migration20261204030000DistrictSso },
    { name: 'Migration20261204120000InvitationsPasswordReset', class: Migration20261204120000InvitationsPasswordReset },
  ],
};

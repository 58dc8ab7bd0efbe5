import { DistrictReplica, SchoolReplica } from '@sessionledger/district-replica';
import { OutboxEvent } from '@sessionledger/messaging';
import { ServicePersistence } from '@sessionledger/persistence';
import { Migration20261125000000Foundation } from './migrations/Migration20261125000000Foundation';
import { Migration20261125180000Series } from './migrations/Migration20261125180000Series';
import { Migration20261125190000Reminders } from './migrations/Migration20261125190000Reminders';
import { Migration20261125200000SessionDefaults } from './migrations/Migration20261125200000SessionDefaults';
import { Migration20261204010000SeriesHistory } from './migrations/Migration20261204010000SeriesHistory';
import { Migration20261204120000ReminderLanguage } from './migrations/Migration20261204120000ReminderLanguage';
import { Migration20261205050000SeriesUpdatedAt } from './migrations/Migration20261205050000SeriesUpdatedAt';
import { Migration20261205070000DigestSessions } from './migrations/Migration20261205070000DigestSessions';
import { Migration20261205090000JobNotices } from './migrations/Migration20261205090000JobNotices';
import { ClosureDayRow, OccurrenceOverride, Series, SeriesSegment } from './series/series.entities';

export const SCHEDULING_PERSISTENCE: ServicePersistence = {
  service: 'scheduling',
  entities: [OutboxEvent, DistrictReplica, SchoolReplica, Series, SeriesSegment, OccurrenceOverride, ClosureDayRow],
  migrations: [
    { name: 'Migration20261125000000Foundation', class: Migration20261125000000Foundation },
    { name: 'Migration20261125180000Series', class: Migration20261125180000Series },
    { name: 'Migration20261125190000Reminders', class: Migration20261125190000Reminders },
    { name: 'Migration20261125200000SessionDefaults', class: Migration20261125200000SessionDefaults },
    { name: 'Migration20261204010000SeriesHistory', class: Migration20261204010000SeriesHistory },
    { name: 'Migration20261204120000ReminderLanguage', class: Migration20261204120000ReminderLanguage },
    { name: 'Migration20261205050000SeriesUpdatedAt', class: Migration20261205050000SeriesUpdatedAt },
    { name: 'Migration20261205070000DigestSessions', class: Migration20261205070000DigestSessions },
    { name: 'Migration20261205090000JobNotices', class: Migration20261205090000JobNotices },
  ],
};

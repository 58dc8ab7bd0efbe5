import { DistrictReplica, SchoolReplica } from '@sessionledger/district-replica';
import { OutboxEvent } from '@sessionledger/messaging';
import { ServicePersistence } from '@sessionledger/persistence';
import { BellSchedule } from './bell-schedules/bell-schedule.entity';
import { Migration20261125000000Foundation } from './migrations/Migration20261125000000Foundation';
import { Migration20261125180000ReportableRecords } from './migrations/Migration20261125180000ReportableRecords';
import { Migration20261125190000Dashboards } from './migrations/Migration20261125190000Dashboards';
import { Migration20261125191000StateExports } from './migrations/Migration20261125191000StateExports';
import { Migration20261125210000CoachingCategory } from './migrations/Migration20261125210000CoachingCategory';
import { Migration20261125211000InlineCsvCell } from './migrations/Migration20261125211000InlineCsvCell';
import { Migration20261125220000CoachingTeacherGroups } from './migrations/Migration20261125220000CoachingTeacherGroups';
import { Migration20261204000000SchoolCodes } from './migrations/Migration20261204000000SchoolCodes';
import { CoachingRecord, ReportableRecord, ReportedSession } from './records/reporting.entities';

import { Migration20261205060000ListSync } from './migrations/Migration20261205060000ListSync';
import { Migration20261206020000RecordsRequests } from './migrations/Migration20261206020000RecordsRequests';

export const STATE_REPORTING_PERSISTENCE: ServicePersistence = {
  service: 'state-reporting',
  entities: [OutboxEvent, DistrictReplica, SchoolReplica, BellSchedule, ReportedSession, ReportableRecord, CoachingRecord],
  migrations: [
    { name: 'Migration20261125000000Foundation', class: Migration20261125000000Foundation },
    { name: 'Migration20261125180000ReportableRecords', class: Migration20261125180000ReportableRecords },
    { name: 'Migration20261125190000Dashboards', class: Migration20261125190000Dashboards },
    { name: 'Migration20261125191000StateExports', class: Migration20261125191000StateExports },
    { name: 'Migration20261125210000CoachingCategory', class: Migration20261125210000CoachingCategory },
    { name: 'Migration20261125211000InlineCsvCell', class: Migration20261125211000InlineCsvCell },
    { name: 'Migration20261125220000CoachingTeacherGroups', class: Migration20261125220000CoachingTeacherGroups },
    { name: 'Migration20261204000000SchoolCodes', class: Migration20261204000000SchoolCodes },
    { name: 'Migration20261205060000ListSync', class: Migration20261205060000ListSync },
    { name: 'Migration20261206020000RecordsRequests', class: Migration20261206020000RecordsRequests },
  ],
};

import { DistrictReplica, SchoolReplica } from '@sessionledger/district-replica';
import { OutboxEvent } from '@sessionledger/messaging';
import { ServicePersistence } from '@sessionledger/persistence';
import { SessionCatalog } from './catalog/session-catalog.entity';
import { Migration20261125000000Foundation } from './migrations/Migration20261125000000Foundation';
import { Migration20261125150000Sessions } from './migrations/Migration20261125150000Sessions';
import { Migration20261125160000Posting } from './migrations/Migration20261125160000Posting';
import { Migration20261125170000Reconciliation } from './migrations/Migration20261125170000Reconciliation';
import { Migration20261125190000PostedTriggerPlans } from './migrations/Migration20261125190000PostedTriggerPlans';
import { Migration20261125200000SessionOccurrence } from './migrations/Migration20261125200000SessionOccurrence';
import { Migration20261125220000TeacherGroups } from './migrations/Migration20261125220000TeacherGroups';
import { Migration20261204020000OneSessionPerOccurrence } from './migrations/Migration20261204020000OneSessionPerOccurrence';
import { Migration20261205010000SignatureMethod } from './migrations/Migration20261205010000SignatureMethod';
import { Migration20261205060000ListSync } from './migrations/Migration20261205060000ListSync';
import { Migration20261206030000Retention } from './migrations/Migration20261206030000Retention';
import { OccurrenceClaim, Participant, PostSessionTask, Session, SessionChange, SessionVersion } from './sessions/session.entities';

export const SESSION_LOG_PERSISTENCE: ServicePersistence = {
  service: 'session-log',
  entities: [OutboxEvent, DistrictReplica, SchoolReplica, SessionCatalog, Session, Participant, PostSessionTask, SessionChange, SessionVersion, OccurrenceClaim],
  migrations: [
    { name: 'Migration20261125000000Foundation', class: Migration20261125000000Foundation },
    { name: 'Migration20261125150000Sessions', class: Migration20261125150000Sessions },
    { name: 'Migration20261125160000Posting', class: Migration20261125160000Posting },
    { name: 'Migration20261125170000Reconciliation', class: Migration20261125170000Reconciliation },
    { name: 'Migration20261125190000PostedTriggerPlans', class: Migration20261125190000PostedTriggerPlans },
    { name: 'Migration20261125200000SessionOccurrence', class: Migration20261125200000SessionOccurrence },
    { name: 'Migration20261125220000TeacherGroups', class: Migration20261125220000TeacherGroups },
    { name: 'Migration20261204020000OneSessionPerOccurrence', class: Migration20261204020000OneSessionPerOccurrence },
    { name: 'Migration20261205010000SignatureMethod', class: Migration20261205010000SignatureMethod },
    { name: 'Migration20261205060000ListSync', class: Migration20261205060000ListSync },
    { name: 'Migration20261206030000Retention', class: Migration20261206030000Retention },
  ],
};

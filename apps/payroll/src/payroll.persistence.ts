import { DistrictReplica, SchoolReplica } from '@sessionledger/district-replica';
import { OutboxEvent } from '@sessionledger/messaging';
import { ServicePersistence } from '@sessionledger/persistence';
import { Migration20261125000000Foundation } from './migrations/Migration20261125000000Foundation';
import { Migration20261125140000WorkOrders } from './migrations/Migration20261125140000WorkOrders';
import { Migration20261125160000Pay } from './migrations/Migration20261125160000Pay';
import { Migration20261204030000MoneyRules } from './migrations/Migration20261204030000MoneyRules';
import { Migration20261205050000WorkOrderUpdatedAt } from './migrations/Migration20261205050000WorkOrderUpdatedAt';
import { Migration20261206030000Retention } from './migrations/Migration20261206030000Retention';
import { BillableLine, PayDecision, PayLine, PayPeriod, PaySettings } from './pay/pay.entities';
import { WorkOrder } from './work-orders/work-order.entity';

export const PAYROLL_PERSISTENCE: ServicePersistence = {
  service: 'payroll',
  entities: [OutboxEvent, DistrictReplica, SchoolReplica, WorkOrder, PaySettings, PayPeriod, PayDecision, PayLine, BillableLine],
  migrations: [
    { name: 'Migration20261125000000Foundation', class: Migration20261125000000Foundation },
    { name: 'Migration20261125140000WorkOrders', class: Migration20261125140000WorkOrders },
    { name: 'Migration20261125160000Pay', class: Migration20261125160000Pay },
    { name: 'Migration20261204030000MoneyRules', class: Migration20261204030000MoneyRules },
    { name: 'Migration20261205050000WorkOrderUpdatedAt', class: Migration20261205050000WorkOrderUpdatedAt },
    { name: 'Migration20261206030000Retention', class: Migration20261206030000Retention },
  ],
};

import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { RECORD_DISCLOSURE, RecordDisclosureCommand, RecordDisclosureReply } from '@sessionledger/contracts';
import { TenantTransactions } from '@sessionledger/persistence';

const S = 'state_reporting';

/**
 * A family's records request, handed over by the gateway, joins the
 * student's disclosures (GET /api/students/:id/disclosures) beside the state
 * exports that carried their data: same table, kind records_request, format zip.
 */
@Controller()
export class RecordsRequestController {
  constructor(private readonly transactions: TenantTransactions) {}

  @MessagePattern(RECORD_DISCLOSURE.pattern)
  record(@Payload() command: RecordDisclosureCommand): Promise<RecordDisclosureReply> {
    const { actor } = command;
    return this.transactions.run(actor.districtId, async (em) => {
      // Once per request: the gateway's retry of a job that died after this answer records nothing twice.
      const rows = (await em.execute(
        `INSERT INTO ${S}.disclosure (district_id, export_id, student_id, records, recipient, purpose, format, kind, disclosed_at, disclosed_by, disclosed_by_name)
          VALUES (?, ?, ?, ?, ?, ?, 'zip', 'records_request', now(), ?, ?) ON CONFLICT (export_id, student_id) DO NOTHING RETURNING export_id`,
        [actor.districtId, command.requestId, command.studentId, command.records, command.recipient, command.purpose, actor.userId, actor.displayName],
      )) as unknown[];
      return { recorded: rows.length > 0 };
    });
  }
}

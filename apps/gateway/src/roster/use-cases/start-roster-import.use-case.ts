import { Injectable } from '@nestjs/common';
import { Actor } from '@sessionledger/auth';
import { DomainError, ServiceUnavailable, ValidationFailed } from '@sessionledger/common';
import { Environment } from '@sessionledger/config';
import { TenantTransactions } from '@sessionledger/persistence';
import { HeaderRefused, Notice } from '../oneroster/oneroster-files';
import { csvLimitsOf, preflight, RosterRefused } from '../import/roster-importer';
import { NamedFile, rosterSourceOf, storeFiles } from '../import/roster-sources';
import { RosterImportQueue } from '../roster-import.queue';
import { RosterImportResponse } from '../roster.dto';
import { toRosterImportResponse } from '../roster-import.queries';
import { RosterImport } from '../roster-import.entity';
import { zipRefusal } from '../roster-upload';
import { ZipRefused } from '../zip/zip-archive';

/**
 * Accepts an upload: refuses at once a set that is not OneRoster (a wrong
 * header, an unknown file), stores the files in PostgreSQL with a queued
 * import record, and hands the import to the background queue.
 */
@Injectable()
export class StartRosterImport {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly queue: RosterImportQueue,
    private readonly env: Environment,
  ) {}

  async execute(actor: Actor, files: NamedFile[], dryRun: boolean): Promise<RosterImportResponse> {
    const notices: Notice[] = [];
    let version: string;
    const source = refusedAsInvalid(() => rosterSourceOf(files, notices));
    try {
      version = (await preflight(source, notices, csvLimitsOf(this.env))).version;
    } catch (error) {
      throw asInvalid(error);
    }
    // Storing inflates every entry, which is where a damaged entry (CRC) or one inflating past its declared size is caught.
    const record = await this.transactions
      .run(actor.districtId, async (em) => {
        const created = new RosterImport(actor.districtId, { dryRun, source: 'upload', fileNames: source.files(), requestedBy: actor.userId, notices });
        created.onerosterVersion = version;
        em.persist(created);
        await em.flush();
        await storeFiles(em, actor.districtId, created.id, source);
        return created;
      })
      .catch((error: unknown) => {
        throw asInvalid(error);
      });
    try {
      await this.queue.enqueue({ districtId: actor.districtId, importId: record.id });
    } catch (error) {
      await this.transactions.run(actor.districtId, (em) =>
        em.nativeUpdate(RosterImport, { id: record.id }, { status: 'failed', finishedAt: new Date(), failure: { code: 'SERVICE.UNAVAILABLE', message: 'The import could not be queued' } }),
      );
      throw new ServiceUnavailable('roster import queue', (error as Error).message);
    }
    return toRosterImportResponse(record);
  }
}

function refusedAsInvalid<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw asInvalid(error);
  }
}

/** A set that is not OneRoster is refused whole, naming the file and what is wrong with it. */
function asInvalid(error: unknown): unknown {
  if (error instanceof HeaderRefused) {
    return new DomainError('invalid', 'ROSTER.NOT_ONEROSTER', `Refused: ${error.message}`, [{ field: error.file, problems: [error.reason] }]);
  }
  if (error instanceof RosterRefused) {
    return new DomainError('invalid', error.code, `Refused: ${error.message}`, error.file ? [{ field: error.file, problems: [error.message] }] : undefined);
  }
  if (error instanceof ZipRefused) return zipRefusal(error);
  if (error instanceof ValidationFailed) return error;
  return error;
}

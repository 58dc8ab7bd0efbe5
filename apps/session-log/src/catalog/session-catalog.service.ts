import { Injectable } from '@nestjs/common';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Conflict, Forbidden, ValidationFailed } from '@sessionledger/common';
import { CatalogReply, GetCatalogCommand, UpdateCatalogCommand } from '@sessionledger/contracts';
import { catalogProblems, CatalogService, DEFAULT_SESSION_CATALOG, SessionCatalogDocument } from '@sessionledger/session-rules';
import { TenantTransactions } from '@sessionledger/persistence';
import { SessionCatalog } from './session-catalog.entity';

/** The default catalog reads as version 1; the first save makes version 2. */
const DEFAULT_VERSION = 1;

export async function catalogOf(em: EntityManager, districtId: string): Promise<CatalogReply> {
  const saved = await em.findOne(SessionCatalog, { districtId });
  return saved ? { catalog: saved.document, version: saved.version } : { catalog: DEFAULT_SESSION_CATALOG, version: DEFAULT_VERSION };
}

export function serviceOf(catalog: SessionCatalogDocument, code: string): CatalogService | undefined {
  return catalog.services.find((service) => service.code === code);
}

@Injectable()
export class SessionCatalogService {
  constructor(private readonly transactions: TenantTransactions) {}

  get(command: GetCatalogCommand): Promise<CatalogReply> {
    return this.transactions.run(command.actor.districtId, (em) => catalogOf(em, command.actor.districtId));
  }

  /** District admins replace the whole document; codes already used by sessions stay readable in them. */
  update(command: UpdateCatalogCommand): Promise<CatalogReply> {
    const { actor } = command;
    if (!actor.roles.includes('district_admin')) throw new Forbidden();
    const problems = catalogProblems(command.catalog);
    if (problems.length) throw new ValidationFailed(problems.map((p) => ({ field: `catalog.${p.field}`, problems: p.problems })));
    return this.transactions.run(actor.districtId, async (em) => {
      const saved = await em.findOne(SessionCatalog, { districtId: actor.districtId });
      const current = saved?.version ?? DEFAULT_VERSION;
      if (current !== command.version) {
        throw new Conflict('SESSION_CATALOG.STALE', `The catalog was changed by someone else (now version ${current}); reload it and try again`, {
          currentVersion: current,
        });
      }
      const document = normalise(command.catalog);
      if (saved) {
        saved.document = document;
        saved.updatedAt = new Date();
        saved.updatedBy = actor.userId;
        await em.flush();
        return { catalog: saved.document, version: saved.version };
      }
      const version = DEFAULT_VERSION + 1;
      // Plain data, not an entity: MikroORM leaves an entity's version property out of an INSERT, so the column default (1) would win.
      // A concurrent first save loses on the primary key, like any stale write.
      try {
        await em.insert(SessionCatalog, { districtId: actor.districtId, document, version, updatedAt: new Date(), updatedBy: actor.userId });
      } catch (error) {
        if (!(error instanceof UniqueConstraintViolationException)) throw error;
        throw new Conflict('SESSION_CATALOG.STALE', 'The catalog was changed by someone else; reload it and try again');
      }
      return { catalog: document, version };
    });
  }
}

/** Stored as plain data (the validated instances carry class prototypes). */
function normalise(catalog: SessionCatalogDocument): SessionCatalogDocument {
  return {
    services: catalog.services.map((s) => ({
      code: s.code,
      name: s.name.trim(),
      participantKind: s.participantKind,
      activities: s.activities,
      accommodations: s.accommodations,
      noteTemplate: s.noteTemplate?.trim() || null,
    })),
    coachingFields: catalog.coachingFields.map((f) => ({
      name: f.name,
      label: f.label.trim(),
      type: f.type,
      ...(f.type === 'choice' || f.type === 'multi_choice' ? { options: f.options ?? [] } : {}),
      required: f.required,
    })),
    careerLadderGoals: catalog.careerLadderGoals.map((g) => ({ code: g.code, name: g.name.trim() })),
    familyInvolvementEvents: catalog.familyInvolvementEvents.map((e) => e.trim()),
    subjects: catalog.subjects.map((s) => s.trim()),
  };
}

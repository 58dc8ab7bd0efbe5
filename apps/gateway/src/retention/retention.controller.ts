import { Body, Controller, Get, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { Page, SyncPageQuery } from '@sessionledger/common';
import { IdParam } from '../http/id-param';
import { Operation, Paged } from '../http/openapi';
import {
  DisposalReportReply,
  DisposalRunReply,
  LegalHoldQuery,
  LegalHoldReply,
  PlaceLegalHoldBody,
  ReleaseLegalHoldBody,
  RetentionPolicyBody,
  RetentionPolicyReply,
  RunDisposalBody,
} from './retention.dto';
import { RetentionService } from './retention.service';

/** The district's retention per record class and its disposal runs: district admins only. */
@ApiTags('retention')
@ApiBearerAuth()
@Controller('retention')
export class RetentionController {
  constructor(private readonly retention: RetentionService) {}

  @Roles('district_admin')
  @Get('policy')
  @Operation({ summary: "The district's retention in years per record class", description: 'The defaults (7 years each) until the district sets its own.', answer: RetentionPolicyReply, errors: [403] })
  policy(@CurrentActor() actor: Actor): Promise<RetentionPolicyReply> {
    return this.retention.policy(actor);
  }

  @Roles('district_admin')
  @Put('policy')
  @Operation({ summary: "Set the district's retention in years per record class", description: 'Every class, 1 to 100 years.', answer: RetentionPolicyReply, errors: [403] })
  setPolicy(@CurrentActor() actor: Actor, @Body() body: RetentionPolicyBody): Promise<RetentionPolicyReply> {
    return this.retention.setPolicy(actor, body);
  }

  @Roles('district_admin')
  @Post('disposals')
  @Operation({
    summary: 'Dispose now of what is past retention and not under a legal hold',
    description: 'Runs class by class and answers one report per class (also listed by GET). A class that fails is reported as failed; the others still run.',
    answer: DisposalRunReply,
    status: 201,
    errors: [403, 503],
  })
  dispose(@CurrentActor() actor: Actor, @Body() body: RunDisposalBody): Promise<DisposalRunReply> {
    return this.retention.runDisposal(actor, body ?? {});
  }

  @Roles('district_admin')
  @Get('disposals')
  @Operation({ summary: "The district's disposal reports", description: 'Newest first: what class, cutoff, how many records were deleted and held back, who ran it, when. `updatedSince` filters on when a report was written.', answer: Paged(DisposalReportReply), errors: [403] })
  disposals(@CurrentActor() actor: Actor, @Query() query: SyncPageQuery): Promise<Page<DisposalReportReply>> {
    return this.retention.listDisposals(actor, query);
  }
}

/** Legal holds keep a student's or a school's records past retention until released. */
@ApiTags('retention')
@ApiBearerAuth()
@Controller('legal-holds')
export class LegalHoldsController {
  constructor(private readonly retention: RetentionService) {}

  @Roles('district_admin')
  @Post()
  @Operation({ summary: 'Place a legal hold on a student or a school', answer: LegalHoldReply, status: 201, errors: [403, 404, 409] })
  place(@CurrentActor() actor: Actor, @Body() body: PlaceLegalHoldBody): Promise<LegalHoldReply> {
    return this.retention.placeHold(actor, body);
  }

  @Roles('district_admin')
  @Get()
  @Operation({ summary: "The district's legal holds", description: 'Newest first; released holds stay listed with who released them and why. `updatedSince` filters on the placing or the release.', answer: Paged(LegalHoldReply), errors: [403] })
  list(@CurrentActor() actor: Actor, @Query() query: LegalHoldQuery): Promise<Page<LegalHoldReply>> {
    return this.retention.listHolds(actor, query);
  }

  @Roles('district_admin')
  @Get(':id')
  @Operation({ summary: 'Get a legal hold', answer: LegalHoldReply, errors: [403, 404] })
  get(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<LegalHoldReply> {
    return this.retention.hold(actor, id);
  }

  @Roles('district_admin')
  @Post(':id/release')
  @Operation({ summary: 'Release a legal hold', description: 'The hold stays on record as released; its records become disposable at the next run.', answer: LegalHoldReply, errors: [403, 404, 409] })
  release(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: ReleaseLegalHoldBody): Promise<LegalHoldReply> {
    return this.retention.releaseHold(actor, id, body);
  }
}

import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min, ValidateNested } from 'class-validator';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { CatalogReply, MAX_VERSION, SessionPageReply, SessionReply, TaskPageReply, TaskReply } from '@sessionledger/contracts';
import { DEFAULT_SESSION_CATALOG, SessionCatalogDocument } from '@sessionledger/session-rules';
import { Operation, Paged } from '../http/openapi';
import { SessionFilterQuery, TaskListQuery } from './sessions.dto';
import { SessionsService } from './sessions.service';

export class UpdateSessionCatalogRequest {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_VERSION, description: 'The catalog version read; stale → 409 SESSION_CATALOG.STALE', example: 1 })
  @IsInt()
  @Min(1)
  @Max(MAX_VERSION)
  version: number;

  @ApiProperty({ type: () => SessionCatalogDocument, example: DEFAULT_SESSION_CATALOG })
  @ValidateNested()
  @Type(() => SessionCatalogDocument)
  catalog: SessionCatalogDocument;
}

const TASK_ORDER = 'By dueAt, then id. `updatedSince` keeps the tasks changed (opened, done, reopened) at or after it.';

/** The work around sessions: tasks owed, the Needs Attention queue, and the district's session catalog. */
@ApiTags('sessions')
@ApiBearerAuth()
@Controller()
export class SessionWorkController {
  constructor(private readonly sessions: SessionsService) {}

  @Roles('provider')
  @Get('me/tasks')
  @Operation({ summary: 'My post-session tasks', description: TASK_ORDER, answer: Paged(TaskReply), errors: [403, 503] })
  myTasks(@CurrentActor() actor: Actor, @Query() query: TaskListQuery): Promise<TaskPageReply> {
    return this.sessions.tasks(actor, query, true);
  }

  @Roles('district_admin', 'school_admin')
  @Get('tasks')
  @Operation({ summary: 'Post-session tasks of my schools', description: TASK_ORDER, answer: Paged(TaskReply), errors: [403, 503] })
  tasks(@CurrentActor() actor: Actor, @Query() query: TaskListQuery): Promise<TaskPageReply> {
    return this.sessions.tasks(actor, query, false);
  }

  /** Sessions flagged for an admin's attention in their schools, newest first. */
  @Roles('district_admin', 'school_admin')
  @Get('needs-attention')
  @Operation({
    summary: 'Sessions flagged for my attention',
    description: 'The session list’s filters with needsAttention set; newest first (startedAt descending, then id).',
    answer: Paged(SessionReply),
    errors: [403, 503],
  })
  needsAttention(@CurrentActor() actor: Actor, @Query() query: SessionFilterQuery): Promise<SessionPageReply> {
    return this.sessions.list(actor, { ...query, needsAttention: true });
  }

  @Roles('district_admin', 'school_admin', 'provider')
  @Get('session-catalog')
  @Operation({ summary: 'The district’s session catalog', answer: CatalogReply, errors: [403, 503] })
  catalog(@CurrentActor() actor: Actor): Promise<CatalogReply> {
    return this.sessions.catalog(actor);
  }

  @Roles('district_admin')
  @Put('session-catalog')
  @Operation({ summary: 'Replace the district’s session catalog', answer: CatalogReply, errors: [403, 409, 503] })
  updateCatalog(@CurrentActor() actor: Actor, @Body() body: UpdateSessionCatalogRequest): Promise<CatalogReply> {
    return this.sessions.updateCatalog(actor, body.version, body.catalog);
  }
}

import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Min, ValidateNested } from 'class-validator';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { CatalogReply, SessionCatalogDocument, SessionPageReply, TaskPageReply } from '@sessionledger/contracts';
import { SessionListQuery, TaskListQuery } from './sessions.dto';
import { SessionsService } from './sessions.service';

export class UpdateSessionCatalogRequest {
  @IsInt()
  @Min(1)
  version: number;

  @ValidateNested()
  @Type(() => SessionCatalogDocument)
  catalog: SessionCatalogDocument;
}

/** The work around sessions: tasks owed, the Needs Attention queue, and the district's session catalog. */
@ApiTags('sessions')
@ApiBearerAuth()
@Controller()
export class SessionWorkController {
  constructor(private readonly sessions: SessionsService) {}

  @Roles('provider')
  @Get('me/tasks')
  myTasks(@CurrentActor() actor: Actor, @Query() query: TaskListQuery): Promise<TaskPageReply> {
    return this.sessions.tasks(actor, query, true);
  }

  @Roles('district_admin', 'school_admin')
  @Get('tasks')
  tasks(@CurrentActor() actor: Actor, @Query() query: TaskListQuery): Promise<TaskPageReply> {
    return this.sessions.tasks(actor, query, false);
  }

  /** Sessions flagged for an admin's attention in their schools, newest first. */
  @Roles('district_admin', 'school_admin')
  @Get('needs-attention')
  needsAttention(@CurrentActor() actor: Actor, @Query() query: SessionListQuery): Promise<SessionPageReply> {
    return this.sessions.list(actor, { ...query, needsAttention: true });
  }

  @Roles('district_admin', 'school_admin', 'provider')
  @Get('session-catalog')
  catalog(@CurrentActor() actor: Actor): Promise<CatalogReply> {
    return this.sessions.catalog(actor);
  }

  @Roles('district_admin')
  @Put('session-catalog')
  updateCatalog(@CurrentActor() actor: Actor, @Body() body: UpdateSessionCatalogRequest): Promise<CatalogReply> {
    return this.sessions.updateCatalog(actor, body.version, body.catalog);
  }
}

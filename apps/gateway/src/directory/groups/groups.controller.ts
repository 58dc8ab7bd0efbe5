import { Body, Controller, Get, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { Page } from '@sessionledger/common';
import { IdParam } from '../../http/id-param';
import { Operation, Paged } from '../../http/openapi';
import { CreateGroupRequest, GroupDetailResponse, GroupListQuery, GroupMembersRequest, GroupResponse, UpdateGroupRequest } from './groups.dto';
import { GroupsService } from './groups.service';

@ApiTags('groups')
@ApiBearerAuth()
@Controller('groups')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Roles('district_admin', 'school_admin')
  @Post()
  @Operation({ summary: 'Create a student group', answer: GroupDetailResponse, status: 201, errors: [403] })
  create(@CurrentActor() actor: Actor, @Body() body: CreateGroupRequest): Promise<GroupDetailResponse> {
    return this.groups.create(actor, body);
  }

  @Roles('district_admin', 'school_admin', 'provider')
  @Get()
  @Operation({ summary: 'List student groups', description: 'Ordered by name, then id.', answer: Paged(GroupResponse), errors: [403] })
  list(@CurrentActor() actor: Actor, @Query() query: GroupListQuery): Promise<Page<GroupResponse>> {
    return this.groups.list(actor, query);
  }

  @Roles('district_admin', 'school_admin', 'provider')
  @Get(':id')
  @Operation({ summary: 'Get a student group with its members', answer: GroupDetailResponse, errors: [403, 404] })
  get(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<GroupDetailResponse> {
    return this.groups.get(actor, id);
  }

  @Roles('district_admin', 'school_admin')
  @Patch(':id')
  @Operation({ summary: 'Change a student group', answer: GroupDetailResponse, errors: [403, 404, 409] })
  update(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: UpdateGroupRequest): Promise<GroupDetailResponse> {
    return this.groups.update(actor, id, body);
  }

  @Roles('district_admin', 'school_admin')
  @Put(':id/members')
  @Operation({ summary: 'Replace a group’s members', answer: GroupDetailResponse, errors: [403, 404] })
  setMembers(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: GroupMembersRequest): Promise<GroupDetailResponse> {
    return this.groups.setMembers(actor, id, body);
  }

  @Roles('district_admin', 'school_admin')
  @Post(':id/deactivate')
  @Operation({ summary: 'Deactivate a student group', answer: GroupDetailResponse, errors: [403, 404] })
  deactivate(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<GroupDetailResponse> {
    return this.groups.setActive(actor, id, false);
  }

  @Roles('district_admin', 'school_admin')
  @Post(':id/reactivate')
  @Operation({ summary: 'Reactivate a student group', answer: GroupDetailResponse, errors: [403, 404, 409] })
  reactivate(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<GroupDetailResponse> {
    return this.groups.setActive(actor, id, true);
  }
}

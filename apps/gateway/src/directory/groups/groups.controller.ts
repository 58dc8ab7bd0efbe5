import { Body, Controller, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@sessionledger/auth';
import { Page } from '@sessionledger/common';
import { IdParam } from '../../http/id-param';
import { CreateGroupRequest, GroupDetailResponse, GroupListQuery, GroupMembersRequest, GroupResponse, UpdateGroupRequest } from './groups.dto';
import { GroupsService } from './groups.service';

@ApiTags('groups')
@ApiBearerAuth()
@Controller('groups')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Roles('district_admin', 'school_admin')
  @Post()
  create(@CurrentActor() actor: Actor, @Body() body: CreateGroupRequest): Promise<GroupDetailResponse> {
    return this.groups.create(actor, body);
  }

  @Roles('district_admin', 'school_admin', 'provider')
  @Get()
  list(@CurrentActor() actor: Actor, @Query() query: GroupListQuery): Promise<Page<GroupResponse>> {
    return this.groups.list(actor, query);
  }

  @Roles('district_admin', 'school_admin', 'provider')
  @Get(':id')
  get(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<GroupDetailResponse> {
    return this.groups.get(actor, id);
  }

  @Roles('district_admin', 'school_admin')
  @Patch(':id')
  update(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: UpdateGroupRequest): Promise<GroupDetailResponse> {
    return this.groups.update(actor, id, body);
  }

  @Roles('district_admin', 'school_admin')
  @Put(':id/members')
  setMembers(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: GroupMembersRequest): Promise<GroupDetailResponse> {
    return this.groups.setMembers(actor, id, body);
  }

  @Roles('district_admin', 'school_admin')
  @Post(':id/deactivate')
  @HttpCode(200)
  deactivate(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<GroupDetailResponse> {
    return this.groups.setActive(actor, id, false);
  }

  @Roles('district_admin', 'school_admin')
  @Post(':id/reactivate')
  @HttpCode(200)
  reactivate(@CurrentActor() actor: Actor, @IdParam() id: string): Promise<GroupDetailResponse> {
    return this.groups.setActive(actor, id, true);
  }
}

import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Page } from '@sessionledger/common';
import {
  AMEND_SESSION,
  AmendSessionCommand,
  BULK_POST_SESSIONS,
  BulkPostCommand,
  BulkPostReply,
  LIST_SESSION_VERSIONS,
  POST_SESSION,
  PostReply,
  PostSessionCommand,
  SessionVersionReply,
  SessionVersionsCommand,
} from '@sessionledger/contracts';
import { PostingService } from './posting.service';

@Controller()
export class PostingController {
  constructor(private readonly posting: PostingService) {}

  @MessagePattern(POST_SESSION.pattern)
  post(@Payload() command: PostSessionCommand): Promise<PostReply> {
    return this.posting.post(command);
  }

  @MessagePattern(BULK_POST_SESSIONS.pattern)
  bulkPost(@Payload() command: BulkPostCommand): Promise<BulkPostReply> {
    return this.posting.bulkPost(command);
  }

  @MessagePattern(AMEND_SESSION.pattern)
  amend(@Payload() command: AmendSessionCommand): Promise<PostReply> {
    return this.posting.amend(command);
  }

  @MessagePattern(LIST_SESSION_VERSIONS.pattern)
  versions(@Payload() command: SessionVersionsCommand): Promise<Page<SessionVersionReply>> {
    return this.posting.versions(command);
  }
}

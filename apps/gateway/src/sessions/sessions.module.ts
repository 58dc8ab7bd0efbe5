import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { PostingController } from './posting.controller';
import { SessionWorkController } from './session-work.controller';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

/** Sessions: session-log owns them; the gateway resolves the directory side and sends the commands. */
@Module({
  imports: [AuthModule],
  controllers: [PostingController, SessionsController, SessionWorkController],
  providers: [SessionsService],
})
export class SessionsModule {}

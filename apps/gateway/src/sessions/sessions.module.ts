import { Module } from '@nestjs/common';
import { SessionWorkController } from './session-work.controller';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

/** Sessions: session-log owns them; the gateway resolves the directory side and sends the commands. */
@Module({
  controllers: [SessionsController, SessionWorkController],
  providers: [SessionsService],
})
export class SessionsModule {}

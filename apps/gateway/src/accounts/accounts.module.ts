import { BeforeApplicationShutdown, Module } from '@nestjs/common';
import { MailModule } from '@sessionledger/platform';
import { AuthModule } from '../auth/auth.module';
import { InvitationsController, PasswordResetController } from './accounts.controller';
import { AccountsService } from './accounts.service';
import { InvitationBatches } from './invitation-batches';
import { PasswordTokens } from './password-tokens';

/** Invitations and password resets by e-mail. */
@Module({
  imports: [AuthModule, MailModule],
  controllers: [InvitationsController, PasswordResetController],
  providers: [AccountsService, PasswordTokens, InvitationBatches],
})
export class AccountsModule implements BeforeApplicationShutdown {
  constructor(private readonly accounts: AccountsService) {}

  /** Reset e-mails already promised (202 answered) are sent before the mail pool closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.accounts.settled();
  }
}

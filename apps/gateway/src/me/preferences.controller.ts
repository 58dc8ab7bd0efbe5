import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { Actor, AUTHENTICATED, CurrentActor, Roles } from '@sessionledger/auth';
import { TenantTransactions } from '@sessionledger/persistence';
import { MAIL_LANGUAGES, type MailLanguage } from '@sessionledger/platform';
import { Operation } from '../http/openapi';

export class PreferencesReply {
  @ApiProperty({ enum: MAIL_LANGUAGES, description: 'The language the web app and e-mail speak to this person' })
  language: MailLanguage;
}

export class PutPreferencesRequest {
  @ApiProperty({ enum: MAIL_LANGUAGES, example: 'es' })
  @IsIn(MAIL_LANGUAGES)
  language: MailLanguage;
}

/**
 * The signed-in person's own settings, kept on their account so a choice made
 * on a phone holds on the next device and in the e-mail they are sent.
 */
@ApiTags('me')
@ApiBearerAuth()
@Controller('me/preferences')
export class PreferencesController {
  constructor(private readonly transactions: TenantTransactions) {}

  @Roles(...AUTHENTICATED)
  @Get()
  @Operation({ summary: 'Read my preferences', description: 'The language the app and e-mail use (set by an invitation, or here).', answer: PreferencesReply })
  read(@CurrentActor() actor: Actor): Promise<PreferencesReply> {
    return this.transactions.run(actor.districtId, async (em) => {
      const [row] = await em.execute<{ language: MailLanguage }[]>(`select language from gateway.app_user where id = ?`, [actor.userId]);
      return { language: row.language };
    });
  }

  @Roles(...AUTHENTICATED)
  @Put()
  @Operation({ summary: 'Set my preferences', description: 'The language the app and e-mail use from now on.', answer: PreferencesReply })
  put(@CurrentActor() actor: Actor, @Body() body: PutPreferencesRequest): Promise<PreferencesReply> {
    return this.transactions.run(actor.districtId, async (em) => {
      await em.execute(`update gateway.app_user set language = ? where id = ?`, [body.language, actor.userId]);
      return { language: body.language };
    });
  }
}

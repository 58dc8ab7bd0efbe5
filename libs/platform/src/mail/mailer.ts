import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { Environment } from '@sessionledger/config';
import { MailTemplate, MailVariables, renderMail } from './templates';

export interface OutgoingMail<K extends MailTemplate> {
  to: string;
  language?: string | null;
  template: K;
  variables: MailVariables[K];
}

/**
 * The one way every app sends e-mail. With SMTP_URL: a pooled nodemailer
 * transport (STARTTLS is used whenever an smtp:// server offers it; smtps://
 * is TLS throughout; credentials from the URL). Without it, MAIL_DIR set:
 * each message is written there as an .eml file (the demo's outbox).
 * Neither: nothing is sent and `enabled` is false, so callers can skip the
 * bookkeeping of an e-mail that never leaves.
 */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private readonly logger = new Logger(Mailer.name);
  private readonly transport?: Transporter;
  private readonly directory?: string;

  constructor(private readonly env: Environment) {
    if (env.SMTP_URL) {
      this.transport = createTransport({ url: env.SMTP_URL, pool: true, maxConnections: env.SMTP_MAX_CONNECTIONS, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
    } else if (env.MAIL_DIR) {
      this.directory = resolve(env.MAIL_DIR);
      this.transport = createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
    }
  }

  get enabled(): boolean {
    return this.transport !== undefined;
  }

  /** Renders and sends one message; rejects when the server refuses it, so a job retries. */
  async send<K extends MailTemplate>(mail: OutgoingMail<K>): Promise<void> {
    if (!this.transport) return;
    const { subject, text } = renderMail(mail.template, mail.language, mail.variables);
    const info = await this.transport.sendMail({ from: this.env.SMTP_FROM, to: mail.to, subject, text });
    if (this.directory) {
      await mkdir(this.directory, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${mail.template}-${String(info.messageId).replace(/[^A-Za-z0-9.-]/g, '')}.eml`;
      await writeFile(join(this.directory, name), info.message as Buffer);
    }
    this.logger.log({ template: mail.template, language: mail.language ?? 'en' }, 'e-mail sent');
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}

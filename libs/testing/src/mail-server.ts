import { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { waitFor } from './processes';

export interface DeliveredMail {
  to: string;
  from: string;
  subject: string;
  text: string;
  /** Whether the client had switched to TLS (STARTTLS or smtps) when it sent the message. */
  secure: boolean;
  user: string | undefined;
}

export interface MailServer {
  /** An SMTP_URL for the apps: credentials included, and the test server's self-signed certificate accepted. */
  url: string;
  mails: DeliveredMail[];
  to(address: string): DeliveredMail[];
  /** Waits for the nth (1-based) message to an address and answers it. */
  next(address: string, count?: number): Promise<DeliveredMail>;
  close(): Promise<void>;
}

const USER = 'sessionledger';
const PASSWORD = 'smtp-test-password';

/**
 * A real SMTP server on 127.0.0.1 (a free port) that demands authentication,
 * offers STARTTLS with smtp-server's own self-signed certificate, and keeps
 * every message it accepts, parsed as a mail client would read it.
 */
export async function startMailServer(): Promise<MailServer> {
  const mails: DeliveredMail[] = [];
  const server = new SMTPServer({
    authMethods: ['PLAIN', 'LOGIN'],
    disabledCommands: [],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === USER && auth.password === PASSWORD) return callback(null, { user: USER });
      return callback(new Error('invalid credentials'));
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const recipients = session.envelope.rcptTo.map((r) => r.address);
          for (const to of recipients) {
            mails.push({ to, from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', subject: parsed.subject ?? '', text: parsed.text ?? '', secure: session.secure, user: session.user as string | undefined });
          }
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  const to = (address: string) => mails.filter((m) => m.to === address);
  return {
    url: `smtp://${USER}:${PASSWORD}@127.0.0.1:${port}?tls.rejectUnauthorized=false`,
    mails,
    to,
    async next(address, count = 1) {
      await waitFor(async () => to(address).length >= count, 15_000);
      return to(address)[count - 1];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The token of the first link in a message's text. */
export function linkToken(mail: DeliveredMail): string {
  const match = mail.text.match(/[#?&]token=([A-Za-z0-9._-]+)/);
  if (!match) throw new Error(`no link with a token in: ${mail.text}`);
  return match[1];
}

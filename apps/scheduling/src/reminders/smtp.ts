import { connect, Socket } from 'node:net';

export interface MailMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
}

/**
 * Sends one plain-text message to an SMTP relay (smtp://host:port): HELO,
 * MAIL FROM, RCPT TO, DATA, QUIT. No AUTH, no STARTTLS: meant for a relay on
 * the local network (a sidecar or the cluster's mail relay) that does both
 * onwards. Rejects on any reply the step does not expect, or after `timeoutMs`.
 */
export async function sendMail(smtpUrl: string, message: MailMessage, timeoutMs = 10_000): Promise<void> {
  const url = new URL(smtpUrl);
  for (const address of [message.from, message.to]) {
    if (!/^[^\s<>@]+@[^\s<>@]+$/.test(address)) throw new Error(`not an email address: ${address}`);
  }
  const socket = connect({ host: url.hostname, port: Number(url.port || 25) });
  socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`SMTP relay did not answer within ${timeoutMs} ms`)));
  const replies = replyReader(socket);
  const step = async (command: string | null, expected: number[]): Promise<void> => {
    if (command !== null) socket.write(`${command}\r\n`);
    const reply = await replies.next();
    if (!expected.includes(reply.code)) throw new Error(`SMTP ${command?.split(' ')[0] ?? 'greeting'} answered ${reply.code} ${reply.text}`);
  };
  try {
    await step(null, [220]);
    await step(`HELO ${url.searchParams.get('helo') ?? 'sessionledger'}`, [250]);
    await step(`MAIL FROM:<${message.from}>`, [250]);
    await step(`RCPT TO:<${message.to}>`, [250, 251]);
    await step('DATA', [354]);
    await step(`${formatMessage(message)}\r\n.`, [250]);
    await step('QUIT', [221]);
  } finally {
    socket.destroy();
  }
}

/** Headers and body, lines ended by CRLF, a leading dot doubled (RFC 5321 4.5.2). */
export function formatMessage(message: MailMessage): string {
  const headers = [
    `From: <${message.from}>`,
    `To: <${message.to}>`,
    `Subject: ${message.subject.replace(/[\r\n]+/g, ' ')}`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
  ];
  const body = message.text.split(/\r?\n/).map((line) => (line.startsWith('.') ? `.${line}` : line));
  return [...headers, '', ...body].join('\r\n');
}

/** Complete replies in order; a multi-line reply (`250-...`) ends at its `250 ` line. */
function replyReader(socket: Socket): { next(): Promise<{ code: number; text: string }> } {
  let buffer = '';
  let lines: string[] = [];
  const ready: { code: number; text: string }[] = [];
  const waiting: { resolve: (reply: { code: number; text: string }) => void; reject: (error: Error) => void }[] = [];
  let failure: Error | null = null;
  const fail = (error: Error) => {
    failure = error;
    for (const waiter of waiting.splice(0)) waiter.reject(error);
  };
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      lines.push(line.slice(4));
      if (line[3] === '-') continue;
      const reply = { code: Number(line.slice(0, 3)), text: lines.join(' ') };
      lines = [];
      const waiter = waiting.shift();
      if (waiter) waiter.resolve(reply);
      else ready.push(reply);
    }
  });
  socket.on('error', fail);
  socket.on('close', () => fail(new Error('SMTP relay closed the connection')));
  return {
    next: () => {
      const reply = ready.shift();
      if (reply) return Promise.resolve(reply);
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
  };
}

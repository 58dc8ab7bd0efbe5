import { lookup } from 'node:dns/promises';
import { request as httpRequest, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, LookupFunction } from 'node:net';

export const MAX_WEBHOOK_URL_LENGTH = 2048;
/** Bytes of a receiver's answer read (and kept, shortened, in the log); the rest is never downloaded. */
const MAX_ANSWER_BYTES = 1024;

/**
 * Addresses a webhook may never reach: a URL that resolves into the
 * platform's own network (private ranges, loopback, link-local where cloud
 * metadata lives, carrier-grade NAT, multicast, reserved) would let a
 * district admin make the gateway call internal services (SSRF).
 */
const FORBIDDEN = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) FORBIDDEN.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['100::', 64], ['2001::', 23], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
] as const) FORBIDDEN.addSubnet(network, prefix, 'ipv6');

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

export interface TargetPolicy {
  /** WEBHOOK_ALLOW_LOOPBACK: loopback addresses (and plain HTTP to them) are allowed; every other forbidden range stays forbidden. */
  allowLoopback: boolean;
}

/** Problems with a URL as written (no DNS): https, no credentials, a length limit. Empty when it is acceptable. */
export function urlProblems(raw: string, policy: TargetPolicy): string[] {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) return [`url must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`];
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return ['url must be an absolute URL such as https://sis.example.org/hooks/sessionledger'];
  }
  const problems: string[] = [];
  const host = hostOf(url);
  const loopbackHttp = url.protocol === 'http:' && policy.allowLoopback && isLoopbackName(host);
  if (url.protocol !== 'https:' && !loopbackHttp) problems.push('url must start with https://');
  if (url.username !== '' || url.password !== '') problems.push('url must not contain a user name or password');
  if (host === '') problems.push('url must name a host');
  return problems;
}

/**
 * Resolves the URL's host and checks every address it resolves to; the
 * delivery then connects to the checked address (never resolving again), so
 * a DNS answer that changes between check and use cannot redirect it.
 * Returns the address, or the problem.
 */
export async function vettedAddress(raw: string, policy: TargetPolicy): Promise<{ address: string; family: 4 | 6 } | { problem: string }> {
  const host = hostOf(new URL(raw));
  let addresses: { address: string; family: number }[];
  try {
    addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true, verbatim: true });
  } catch {
    return { problem: `url's host ${host} does not resolve` };
  }
  if (addresses.length === 0) return { problem: `url's host ${host} does not resolve` };
  for (const { address, family } of addresses) {
    if (forbidden(address, family === 6 ? 'ipv6' : 'ipv4', policy)) {
      return { problem: `url's host ${host} resolves to a private, loopback, link-local or reserved address, which webhooks may not reach` };
    }
  }
  return { address: addresses[0].address, family: addresses[0].family === 6 ? 6 : 4 };
}

function forbidden(address: string, type: 'ipv4' | 'ipv6', policy: TargetPolicy): boolean {
  const mapped = type === 'ipv6' ? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] : undefined;
  if (mapped) return forbidden(mapped, 'ipv4', policy);
  if (policy.allowLoopback && LOOPBACK.check(address, type)) return false;
  return FORBIDDEN.check(address, type);
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

function isLoopbackName(host: string): boolean {
  return host === 'localhost' || LOOPBACK.check(host, isIP(host) === 6 ? 'ipv6' : 'ipv4');
}

export interface PostOutcome {
  statusCode: number | null;
  /** Why it failed when there is no answer (timeout, refused, reset), or the answer's start when it was not 2xx. */
  error: string | null;
  durationMs: number;
}

/**
 * One POST to a vetted address: a deadline over the whole exchange, no
 * redirects followed (a 3xx is a failure like any non-2xx), at most
 * MAX_ANSWER_BYTES of the answer read.
 */
export function postJson(
  raw: string,
  target: { address: string; family: 4 | 6 },
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<PostOutcome> {
  const url = new URL(raw);
  const started = Date.now();
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (statusCode: number | null, error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ statusCode, error, durationMs: Date.now() - started });
    };
    const req = send(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
        // Connect to the address that was checked, whatever DNS says now; TLS still verifies the host name.
        lookup: pinnedLookup(target),
        agent: false,
      },
      (response: IncomingMessage) => {
        const status = response.statusCode ?? 0;
        // The status is the answer: a receiver's body is read only to say why it refused.
        if (status >= 200 && status < 300) {
          finish(status, null);
          response.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => {
          const excerpt = Buffer.concat(chunks).toString('utf8').replace(/\0/g, '').slice(0, 200);
          finish(status, `answered ${status}${excerpt ? `: ${excerpt}` : ''}`);
          response.destroy();
        };
        response.on('data', (chunk: Buffer) => {
          if (size < MAX_ANSWER_BYTES) chunks.push(chunk.subarray(0, MAX_ANSWER_BYTES - size));
          size += chunk.length;
          if (size >= MAX_ANSWER_BYTES) done();
        });
        response.on('end', done);
        response.on('error', done);
      },
    );
    const timer = setTimeout(() => {
      finish(null, `no answer within ${timeoutMs} ms`);
      req.destroy();
    }, timeoutMs);
    req.on('error', (error) => finish(null, error.message.slice(0, 200)));
    req.end(body);
  });
}

/** A resolver that answers every lookup with the vetted address (both callback shapes Node uses). */
function pinnedLookup(target: { address: string; family: 4 | 6 }): LookupFunction {
  return (_host, options, callback) => {
    if ((options as { all?: boolean }).all) {
      (callback as unknown as (error: null, addresses: { address: string; family: number }[]) => void)(null, [target]);
    } else {
      callback(null, target.address, target.family);
    }
  };
}

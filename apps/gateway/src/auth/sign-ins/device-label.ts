import type { SignInClient } from './sign-in.entity';

const MAX_USER_AGENT_CHARACTERS = 256;
const MAX_ADDRESS_CHARACTERS = 100;

/*
 * First match wins, so the order matters: Edge, Opera and Samsung Internet
 * also say "Chrome" and "Safari"; Chrome also says "Safari"; iOS also says
 * "Mac OS X"; Android also says "Linux".
 */
const BROWSERS: [RegExp, string][] = [
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\bOPR\/|\bOpera\b/, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/\bChrom(e|ium)\/|\bCriOS\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\/|\bMobile\/\w+ Safari\//, 'Safari'],
  [/\bMSIE |\bTrident\//, 'Internet Explorer'],
  [/^curl\//, 'curl'],
];

const SYSTEMS: [RegExp, string][] = [
  [/\bWindows\b/, 'Windows'],
  [/\biPhone\b|\biPad\b|\biPod\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
];

/**
 * A short name a person recognises in a list of their sign-ins ("Firefox on
 * Windows"), from the browser's User-Agent. A guess for people, never a fact
 * for a rule: any client can send any User-Agent.
 */
export function deviceLabel(userAgent: string | null | undefined): string {
  if (!userAgent) return 'Unknown device';
  const browser = BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1];
  const system = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  if (system) return `Unknown browser on ${system}`;
  return browser ?? 'Unknown device';
}

/** The User-Agent as stored and shown: control characters removed, at most 256 characters, null when nothing is left. */
export function cleanUserAgent(raw: string | string[] | undefined): string | null {
  if (typeof raw !== 'string') return null;
  const visible = raw.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim();
  const clipped = Array.from(visible).slice(0, MAX_USER_AGENT_CHARACTERS).join('').trim();
  return clipped === '' ? null : clipped;
}

export function signInClient(request: { ip: string; headers: Record<string, string | string[] | undefined> }): SignInClient {
  return { address: request.ip.slice(0, MAX_ADDRESS_CHARACTERS), userAgent: cleanUserAgent(request.headers['user-agent']) };
}

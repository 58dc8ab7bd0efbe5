/**
 * One spelling per mailbox: NFKC folds full-width and compatibility forms
 * (`ｔｕｔｏｒ@…` is `tutor@…`), then lower case. Refuses what would let an
 * address pass for another: a part mixing writing systems (a Cyrillic `е`
 * among Latin letters), or a domain that is not plain ASCII (international
 * domains arrive as their `xn--` form).
 */
export function normalizeEmail(raw: string): { email: string } | { problem: string } {
  const email = raw.normalize('NFKC').trim().toLowerCase();
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return { problem: 'must be an e-mail address' };
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (!/^[\x21-\x7e]+$/.test(domain)) return { problem: 'must have a domain in ASCII (international domains in their xn-- form)' };
  if (scriptsOf(local).size > 1) return { problem: 'must not mix writing systems (look-alike letters)' };
  return { email };
}

const SCRIPTS = ['Latin', 'Cyrillic', 'Greek', 'Armenian', 'Hebrew', 'Arabic', 'Han', 'Hiragana', 'Katakana', 'Hangul', 'Thai', 'Devanagari', 'Cherokee'];
const SCRIPT_PATTERNS = SCRIPTS.map((script) => ({ script, pattern: new RegExp(`\\p{Script=${script}}`, 'u') }));

function scriptsOf(text: string): Set<string> {
  const scripts = new Set<string>();
  for (const char of text) {
    if (!/\p{L}/u.test(char)) continue;
    const script = SCRIPT_PATTERNS.find(({ pattern }) => pattern.test(char))?.script ?? 'Other';
    // Japanese writes Han, Hiragana and Katakana together; they are one writing system here.
    scripts.add(['Han', 'Hiragana', 'Katakana'].includes(script) ? 'Japanese/Chinese' : script);
  }
  return scripts;
}

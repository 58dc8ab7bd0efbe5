const UNSAFE_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text PostgreSQL cannot store as it is sent: NUL characters, or UTF-16 surrogates without their pair. */
export function isUnsafeText(text: string): boolean {
  return UNSAFE_TEXT.test(text);
}

/**
 * The paths (`a.b[2].c`) of every string, and every object key, holding
 * unsafe text. Walks without recursion so a deep value cannot exhaust the stack.
 */
export function unsafeTextFields(value: unknown, root = ''): string[] {
  const found: string[] = [];
  const pending: { value: unknown; path: string }[] = [{ value, path: root }];
  while (pending.length > 0) {
    const { value: current, path } = pending.pop()!;
    if (typeof current === 'string') {
      if (isUnsafeText(current)) found.push(path);
    } else if (Array.isArray(current)) {
      current.forEach((item, index) => pending.push({ value: item, path: `${path}[${index}]` }));
    } else if (current !== null && typeof current === 'object' && !Buffer.isBuffer(current) && !ArrayBuffer.isView(current)) {
      for (const [key, item] of Object.entries(current)) {
        const child = path ? `${path}.${key}` : key;
        if (isUnsafeText(key)) found.push(child);
        else pending.push({ value: item, path: child });
      }
    }
  }
  return found.sort();
}

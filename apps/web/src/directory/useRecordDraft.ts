import { useState } from 'react';
import { changedFields } from './drafts';

/**
 * A form over a record read from the API. Only what was typed is kept
 * (`edits`); every other field shows the record as last read. So after a
 * stale save and a reload, the fields someone else changed show their
 * version, the fields typed here keep what was typed, and saving again sends
 * only those.
 */
export function useRecordDraft<Draft extends object>(saved: Draft, reload: () => Promise<void>, afterReload: () => void) {
  const [edits, setEdits] = useState<Partial<Draft>>({});
  const [reloaded, setReloaded] = useState(false);
  const draft: Draft = { ...saved, ...edits };
  return {
    draft,
    change: (change: Partial<Draft>) => setEdits((current) => ({ ...current, ...change })),
    changes: changedFields(saved, draft),
    /** After a reload the form says so, and shows the saved value under each field typed otherwise. */
    reloaded,
    reload: async () => {
      await reload();
      afterReload();
      setReloaded(true);
    },
    saved: () => setReloaded(false),
  };
}

/** "Saved: …" under a field whose typed value differs from the server's, once the server's has been reloaded. */
export function savedNote<Draft extends object>(saved: Draft | undefined, draft: Draft, field: keyof Draft): string | undefined {
  if (!saved || String(saved[field] ?? '').trim() === String(draft[field] ?? '').trim()) return undefined;
  return `Saved: ${String(saved[field] ?? '') || 'none'}`;
}

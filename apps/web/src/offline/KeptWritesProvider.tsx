/*
 * Sends a running session's writes, or keeps them while there is no network
 * and sends them in order when it returns. One rule for the whole app: a
 * write goes straight to the API only when nothing of the same session is
 * waiting before it; otherwise it queues behind, so the API sees the
 * provider's actions in the order they were made.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiError, call } from '../api/errors';
import { useApi } from '../api/useApi';
import { mergeSession, sessionKeys, type SessionView } from '../sessions/api';
import { forgetWrite, indexedDbAvailable, keepWrite, keptWrites, replaceWrite } from './kept-writes-db';
import { KeptWritesContext, type KeptWrites, type NewKeptWrite } from './KeptWritesContext';
import { writeCopy } from './offline-copies';
import { followOwnWrite, isNetworkFailure, rebasedOnServer, type KeptWrite, type RefusedWrite } from './outbox';
import { RefusedWriteDialog } from './RefusedWriteDialog';
import { transmit } from './transmit';

/** While writes wait and the browser says it is online (a 503, a flaky link): try again this often. */
const RETRY_MS = 10_000;

export const sessionCopyName = (sessionId: string) => `session.${sessionId}`;

function browserOnline(): boolean {
  return typeof navigator === 'undefined' || navigator.onLine !== false;
}

export function KeptWritesProvider({ userId, children }: { userId: string; children: ReactNode }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [pending, setPending] = useState<KeptWrite[]>([]);
  const [refused, setRefused] = useState<RefusedWrite>();
  const [online, setOnline] = useState(browserOnline);
  const [syncing, setSyncing] = useState(false);
  // The queue as last read or written, for decisions made between renders.
  const queue = useRef<KeptWrite[]>([]);
  const running = useRef(false);
  const blocked = useRef(false);
  const storable = indexedDbAvailable();

  const show = useCallback((writes: KeptWrite[]) => {
    queue.current = writes;
    setPending(writes);
  }, []);

  const applyReply = useCallback(
    (reply: SessionView) => {
      const merged = mergeSession(queryClient.getQueryData<SessionView>(sessionKeys.one(reply.id)), reply);
      queryClient.setQueryData(sessionKeys.one(reply.id), merged);
      writeCopy(sessionCopyName(reply.id), merged);
    },
    [queryClient],
  );

  const sync = useCallback(async () => {
    if (running.current || blocked.current || !storable || !browserOnline()) return;
    running.current = true;
    setSyncing(true);
    const touched = new Set<string>();
    try {
      let writes = await keptWrites(userId);
      show(writes);
      while (writes.length > 0) {
        let [write] = writes;
        const rest = writes.slice(1);
        if (!write.sent) {
          // Fixed before it leaves: if the answer is lost, the same body goes again under the same key.
          write = { ...write, sent: true };
          await replaceWrite(write);
        }
        let reply: SessionView;
        try {
          reply = await transmit(api, write);
        } catch (error) {
          // No answer, a sign-in to renew, a busy or failing server: the write waits for the next try.
          if (!(error instanceof ApiError) || error.status === 401 || error.status === 429 || error.status >= 500) break;
          const server = await call(api.GET('/api/sessions/{id}', { params: { path: { id: write.sessionId } } }))
            .then((s) => s as SessionView)
            .catch(() => undefined);
          blocked.current = true;
          setRefused({ write, status: error.status, code: error.code, message: error.message, server });
          break;
        }
        await forgetWrite(write.seq as number);
        applyReply(reply);
        touched.add(write.sessionId);
        writes = followOwnWrite(rest, write, reply);
        for (const [i, followed] of writes.entries()) if (followed !== rest[i]) await replaceWrite(followed);
        show(writes);
      }
    } catch (error) {
      // IndexedDB itself failed (quota, a blocked upgrade): the writes stay where they are.
      console.warn('sending kept writes failed', error);
    } finally {
      running.current = false;
      setSyncing(false);
      for (const id of touched) void queryClient.invalidateQueries({ queryKey: sessionKeys.audit(id) });
    }
  }, [api, applyReply, queryClient, show, storable, userId]);

  // What an earlier page (a reload, a closed tab) kept is shown at once, online or not.
  useEffect(() => {
    if (!storable) return;
    keptWrites(userId)
      .then((writes) => {
        if (!running.current) show(writes);
      })
      .catch((error: unknown) => console.warn('reading kept writes failed', error));
  }, [show, storable, userId]);

  // At sign-in, when the network returns, and every few seconds while writes wait.
  useEffect(() => {
    void sync();
    const wentOnline = () => {
      setOnline(true);
      void sync();
    };
    const wentOffline = () => setOnline(false);
    window.addEventListener('online', wentOnline);
    window.addEventListener('offline', wentOffline);
    const timer = setInterval(() => {
      if (queue.current.length > 0) void sync();
    }, RETRY_MS);
    return () => {
      window.removeEventListener('online', wentOnline);
      window.removeEventListener('offline', wentOffline);
      clearInterval(timer);
    };
  }, [sync]);

  const keep = useCallback(
    async (write: KeptWrite) => {
      const kept = await keepWrite(write);
      show([...queue.current, kept]);
    },
    [show],
  );

  const send = useCallback(
    async (fresh: NewKeptWrite): Promise<SessionView | undefined> => {
      const write = { ...fresh, userId, sent: false, createdAt: new Date().toISOString() } as KeptWrite;
      if (!storable) return transmit(api, write);
      const waiting = queue.current.some((w) => w.sessionId === write.sessionId);
      if (waiting || !browserOnline()) {
        await keep(write);
        void sync();
        return undefined;
      }
      try {
        return await transmit(api, write);
      } catch (error) {
        if (!isNetworkFailure(error)) throw error;
        // It may have arrived: kept as sent, so it goes again exactly as it was, under its key.
        await keep({ ...write, sent: true });
        return undefined;
      }
    },
    [api, keep, storable, sync, userId],
  );

  const resolve = useCallback(
    async (choice: 'mine' | 'theirs') => {
      if (!refused) return;
      const { write, server } = refused;
      if (choice === 'mine' && server) await replaceWrite(rebasedOnServer(write, server, globalThis.crypto.randomUUID()));
      else await forgetWrite(write.seq as number);
      if (server) applyReply(server);
      void queryClient.invalidateQueries({ queryKey: sessionKeys.one(write.sessionId) });
      blocked.current = false;
      setRefused(undefined);
      show(await keptWrites(userId));
      void sync();
    },
    [applyReply, queryClient, refused, show, sync, userId],
  );

  const value = useMemo<KeptWrites>(
    () => ({ pending, refused, online, syncing, send, pendingFor: (sessionId) => pending.filter((w) => w.sessionId === sessionId) }),
    [online, pending, refused, send, syncing],
  );

  return (
    <KeptWritesContext.Provider value={value}>
      {children}
      {refused && <RefusedWriteDialog refused={refused} onKeepMine={() => void resolve('mine')} onKeepTheirs={() => void resolve('theirs')} />}
    </KeptWritesContext.Provider>
  );
}

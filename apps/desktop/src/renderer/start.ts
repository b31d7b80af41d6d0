import { useCallback, useRef, useState } from 'react';
import type { IpcError, SigningSnapshot } from '../shared/ipc.js';
import { eimza } from './api.js';

export interface PendingOrigin {
  code: string;
  apiOrigin: string;
}

export interface Starter {
  /** Starts signing; an origin off the allow-list first asks the user (see `pending`). */
  start(code: string, apiOrigin: string): Promise<void>;
  /** Set while the user is asked whether to trust an origin not on the allow-list. */
  pending: PendingOrigin | undefined;
  confirm(): Promise<void>;
  dismiss(): void;
  error: IpcError | undefined;
  busy: boolean;
}

export function useStartSigning(onSnapshot: (snapshot: SigningSnapshot) => void): Starter {
  const [pending, setPending] = useState<PendingOrigin | undefined>();
  const [error, setError] = useState<IpcError | undefined>();
  const [busy, setBusy] = useState(false);
  const onSnapshotRef = useRef(onSnapshot);
  onSnapshotRef.current = onSnapshot;

  const run = useCallback(async (code: string, apiOrigin: string, confirmedOrigin: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      const result = await eimza().signing.start({ code, apiOrigin, confirmedOrigin });
      if (result.ok) onSnapshotRef.current(result.value);
      else if (result.error.code === 'ORIGIN_NOT_ALLOWED' && !confirmedOrigin)
        setPending({ code, apiOrigin });
      else setError(result.error);
    } finally {
      setBusy(false);
    }
  }, []);

  const start = useCallback(
    (code: string, apiOrigin: string) => run(code, apiOrigin, false),
    [run],
  );
  const confirm = useCallback(async () => {
    if (!pending) return;
    setPending(undefined);
    await run(pending.code, pending.apiOrigin, true);
  }, [pending, run]);
  const dismiss = useCallback(() => setPending(undefined), []);
  return { start, pending, confirm, dismiss, error, busy };
}

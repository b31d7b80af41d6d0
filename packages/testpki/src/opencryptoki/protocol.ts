import type { IssueSignerOptions } from '../types.js';
import type { SoftTokenRequest } from './setup.js';

/** Messages between ensureOpenCryptokiToken and its setup child (over the fork IPC channel, never argv). */
export type ToChild =
  | { type: 'setup'; request: SoftTokenRequest }
  | { type: 'certificate'; der: string }
  | { type: 'issueFailed'; message: string };

export type FromChild =
  | { type: 'issue'; options: Omit<IssueSignerOptions, 'publicKey'> & { publicKey: string } }
  | {
      type: 'done';
      result: {
        slotId: string;
        tokenSerial: string;
        ckaId: string;
        keyLabel: string;
        certificateDer: string;
        daemonStarted: boolean;
      };
    }
  | { type: 'failed'; name: string; message: string };

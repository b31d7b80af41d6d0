import type { IssueSignerOptions } from '../types.js';

/**
 * The part of the test PKI that provisioning needs: a CA that certifies a public key read from a token.
 * `TestPki` is one; only the certificate's DER is used.
 */
export interface SignerIssuer {
  issueSigner(options: IssueSignerOptions): Promise<{ der: Uint8Array }>;
}

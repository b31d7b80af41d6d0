import type { IssuedCertificate, IssueSignerOptions } from '../types.js';

/** The part of the test PKI that provisioning needs: a CA that certifies a public key read from a token. */
export interface SignerIssuer {
  issueSigner(options: IssueSignerOptions): Promise<IssuedCertificate>;
}

/** Times are integer milliseconds since the epoch in both databases (bigint in PostgreSQL). */
export interface SessionsTable {
  id: string;
  code: string;
  purpose: string;
  tckn: string | null;
  /** JSON of the application form, as submitted. */
  form: string | null;
  /** JSON of the ChallengeText[] fixed at creation: exactly what is offered for signing. */
  texts: string;
  /** SHA-256 (hex) of the browser token; the token itself is never stored. */
  token_hash: string;
  state: string;
  created_at: number;
  expires_at: number;
  decided_at: number | null;
  /** JSON of the Signer once signed. */
  signer: string | null;
  /** JSON of the Rejection once rejected. */
  rejection: string | null;
}

/** Append-only evidence: a trigger refuses UPDATE and DELETE. */
export interface SignaturesTable {
  id: string;
  session_id: string;
  text_id: string;
  text_content: string;
  cms: Uint8Array;
  report: string;
  created_at: number;
}

export interface AuditTable {
  id: string;
  session_id: string | null;
  event: string;
  at: number;
  client_address: string | null;
  /** JSON with non-secret details (purpose, indication, rejection code). */
  detail: string | null;
}

export interface Database {
  sessions: SessionsTable;
  signatures: SignaturesTable;
  audit: AuditTable;
}

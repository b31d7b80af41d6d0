import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { SubmitSignaturesRequest, type Challenge } from '@eimza/protocol';
import { sendJson, startLocalServer, type LocalServer } from './local-server.js';
import { SIGNER, reportBody } from './protocol-fixtures.js';

/**
 * A STAND-IN for the API's challenge routes (not apps/api): a real HTTP server on 127.0.0.1
 * serving protocol-conformant challenge JSON, accepting one submission per code, and checking
 * each CMS with `openssl cms -verify` (signature and digest, not the chain).
 */
export interface StandInApi {
  origin: string;
  server: LocalServer;
  /** Codes and their challenge; a code whose challenge is `used` answers 409. */
  challenges: Map<string, { challenge: Challenge; used: boolean }>;
  /** Every POST body that reached the stand-in. */
  submissions: SubmitSignaturesRequest[];
  /** How the next POST is treated: answered, dropped before processing, or processed and its answer dropped. */
  nextPost: 'answer' | 'drop-before' | 'drop-after';
  close(): Promise<void>;
}

function opensslVerifies(cmsBase64: string, content: string): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'eimza-standin-'));
  try {
    writeFileSync(join(dir, 'sig.der'), Buffer.from(cmsBase64, 'base64'));
    writeFileSync(join(dir, 'content'), content, 'utf8');
    execFileSync(
      'openssl',
      [
        'cms',
        '-verify',
        '-binary',
        '-noverify',
        '-inform',
        'DER',
        '-in',
        join(dir, 'sig.der'),
        '-content',
        join(dir, 'content'),
        '-out',
        '/dev/null',
      ],
      { stdio: 'ignore' },
    );
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startStandInApi(): Promise<StandInApi> {
  const server = await startLocalServer();
  const api: StandInApi = {
    origin: server.origin,
    server,
    challenges: new Map(),
    submissions: [],
    nextPost: 'answer',
    close: () => server.close(),
  };
  server.handle = (req, res, body) => {
    const match = /^\/api\/v1\/challenges\/(\d{15})(\/signatures)?$/.exec(req.url ?? '');
    const entry = match ? api.challenges.get(match[1]!) : undefined;
    if (!match || !entry)
      return sendJson(res, 404, { error: { code: 'UNKNOWN_CODE', message: 'unknown' } });
    if (entry.used) return sendJson(res, 409, { error: { code: 'ALREADY_USED', message: 'used' } });
    if (req.method === 'GET' && !match[2]) return sendJson(res, 200, entry.challenge);
    if (req.method !== 'POST' || !match[2])
      return sendJson(res, 405, { error: { code: 'METHOD', message: 'no' } });

    const mode = api.nextPost;
    api.nextPost = 'answer';
    if (mode === 'drop-before') return req.socket.destroy();
    const submission: unknown = JSON.parse(body);
    if (!Value.Check(SubmitSignaturesRequest, submission)) {
      return sendJson(res, 400, { error: { code: 'BAD_REQUEST', message: 'schema' } });
    }
    api.submissions.push(submission);
    entry.used = true;
    if (mode === 'drop-after') return req.socket.destroy();
    const allVerify = entry.challenge.texts.every((text) => {
      const signature = submission.signatures.find((s) => s.textId === text.id);
      return signature !== undefined && opensslVerifies(signature.cms, text.content);
    });
    if (allVerify)
      return sendJson(res, 200, { state: 'signed', signer: SIGNER, report: reportBody(true) });
    return sendJson(res, 422, {
      state: 'rejected',
      rejection: { code: 'HASH_FAILURE', message: 'a signature does not verify' },
      report: reportBody(false),
    });
  };
  return api;
}

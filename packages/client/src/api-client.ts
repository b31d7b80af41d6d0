import * as http from 'node:http';
import * as https from 'node:https';
import axios, { type AxiosInstance, type Method } from 'axios';
import type { TSchema, Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import {
  Challenge,
  CreateSessionResponse,
  PROTOCOL_BASE_PATH,
  Report,
  SessionStatus,
  SignaturesAccepted,
  isValidVerificationCode,
  normaliseVerificationCode,
  type CreateSessionRequest,
  type SubmitSignaturesRequest,
  type VerifyRequest,
} from '@eimza/protocol';
import { ClientError } from './errors.js';
import { classifyStatus, classifyTransportError } from './classify.js';
import {
  DEFAULT_RETRY_POLICY,
  isTransient,
  retryDelayMs,
  sleep,
  type RetryPolicy,
} from './retry.js';
import { readExtraCaFile, systemCaCertificates } from './trust.js';

export interface ApiClientOptions {
  /** The API's origin, e.g. `https://imza.example.gov.tr`; `/api/v1` is appended. */
  baseUrl: string;
  /** Per request; default 15 000 ms. */
  timeoutMs?: number;
  /** Back-off for calls without side effects; the signature POST is never retried. */
  retry?: Partial<RetryPolicy>;
  /** A PEM file of further CAs to trust for https, besides the system store. */
  extraCaFile?: string;
  /** Answers larger than this are refused as PROTOCOL_ERROR; default 5 MiB. */
  maxResponseBytes?: number;
  /** Jitter source; default Math.random. */
  random?: () => number;
  userAgent?: string;
}

export interface CallOptions {
  signal?: AbortSignal;
}

/** Typed access to every route of protocol.md. Every method throws only {@link ClientError}. */
export interface ApiClient {
  readonly baseUrl: string;
  createSession(
    request: CreateSessionRequest,
    options?: CallOptions,
  ): Promise<CreateSessionResponse>;
  getSession(
    sessionId: string,
    browserToken: string,
    options?: CallOptions,
  ): Promise<SessionStatus>;
  getChallenge(verificationCode: string, options?: CallOptions): Promise<Challenge>;
  /**
   * Sent exactly once, never retried. Resolves with the acceptance; a refusal throws
   * REJECTED carrying `rejection` and `report`.
   */
  submitSignatures(
    verificationCode: string,
    request: SubmitSignaturesRequest,
    options?: CallOptions,
  ): Promise<SignaturesAccepted>;
  verify(request: VerifyRequest, options?: CallOptions): Promise<Report>;
}

interface Call<S extends TSchema> {
  method: Method;
  path: string;
  expect: number;
  schema: S;
  body?: unknown;
  headers?: Record<string, string>;
  /** Safe to send again: no side effect on the server. */
  idempotent: boolean;
  /** The request carries nothing but the verification code. */
  codeOnly?: boolean;
  signal?: AbortSignal | undefined;
}

function checkedCode(input: string): string {
  const code = normaliseVerificationCode(input);
  if (!isValidVerificationCode(code)) throw new ClientError('MALFORMED_CODE');
  return code;
}

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string' || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function firstSchemaError(schema: TSchema, value: unknown): string {
  const error = Value.Errors(schema, value).First();
  return error ? `${error.path || '/'}: ${error.message}` : 'schema mismatch';
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const random = options.random ?? Math.random;
  const ca = [
    ...systemCaCertificates(),
    ...(options.extraCaFile ? readExtraCaFile(options.extraCaFile) : []),
  ];

  const instance: AxiosInstance = axios.create({
    baseURL: baseUrl + PROTOCOL_BASE_PATH,
    timeout: options.timeoutMs ?? 15_000,
    maxRedirects: 0,
    maxContentLength: options.maxResponseBytes ?? 5 * 1024 * 1024,
    // Statuses and JSON are judged here, not by axios.
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    transitional: { clarifyTimeoutError: true },
    httpAgent: new http.Agent({ keepAlive: true }),
    httpsAgent: new https.Agent({ keepAlive: true, ca }),
    headers: {
      Accept: 'application/json',
      ...(options.userAgent ? { 'User-Agent': options.userAgent } : {}),
    },
  });

  async function once<S extends TSchema>(call: Call<S>): Promise<Static<S>> {
    let response;
    try {
      response = await instance.request({
        method: call.method,
        url: call.path,
        ...(call.body === undefined ? {} : { data: call.body }),
        ...(call.headers ? { headers: call.headers } : {}),
        ...(call.signal ? { signal: call.signal } : {}),
      });
    } catch (error) {
      throw classifyTransportError(error, call.signal);
    }
    const body = parseJson(response.data);
    if (response.status !== call.expect) {
      throw classifyStatus(
        {
          status: response.status,
          body,
          headers: response.headers as Record<string, unknown>,
        },
        call.codeOnly,
      );
    }
    if (!Value.Check(call.schema, body)) {
      throw new ClientError('PROTOCOL_ERROR', {
        status: response.status,
        detail: body === undefined ? 'body is not JSON' : firstSchemaError(call.schema, body),
      });
    }
    return body;
  }

  async function request<S extends TSchema>(call: Call<S>): Promise<Static<S>> {
    const attempts = call.idempotent ? Math.max(1, policy.attempts) : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await once(call);
      } catch (error) {
        const failure = error instanceof ClientError ? error : classifyTransportError(error);
        if (attempt >= attempts || !isTransient(failure, policy)) throw failure;
        await sleep(retryDelayMs(failure, attempt - 1, policy, random), call.signal);
      }
    }
  }

  return {
    baseUrl,
    createSession: (body, o = {}) =>
      request({
        method: 'POST',
        path: '/sessions',
        expect: 201,
        schema: CreateSessionResponse,
        body,
        idempotent: false,
        signal: o.signal,
      }),
    getSession: (sessionId, browserToken, o = {}) =>
      request({
        method: 'GET',
        path: `/sessions/${encodeURIComponent(sessionId)}`,
        expect: 200,
        schema: SessionStatus,
        headers: { Authorization: `Bearer ${browserToken}` },
        idempotent: true,
        signal: o.signal,
      }),
    getChallenge: async (verificationCode, o = {}) =>
      request({
        method: 'GET',
        path: `/challenges/${checkedCode(verificationCode)}`,
        expect: 200,
        schema: Challenge,
        idempotent: true,
        codeOnly: true,
        signal: o.signal,
      }),
    submitSignatures: async (verificationCode, body, o = {}) =>
      request({
        method: 'POST',
        path: `/challenges/${checkedCode(verificationCode)}/signatures`,
        expect: 200,
        schema: SignaturesAccepted,
        body,
        idempotent: false,
        signal: o.signal,
      }),
    // Validation touches no session: sending it again is harmless.
    verify: (body, o = {}) =>
      request({
        method: 'POST',
        path: '/verify',
        expect: 200,
        schema: Report,
        body,
        idempotent: true,
        signal: o.signal,
      }),
  };
}

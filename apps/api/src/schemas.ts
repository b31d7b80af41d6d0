import {
  Challenge,
  CreateSessionRequest,
  CreateSessionResponse,
  ErrorBody,
  Report,
  SessionStatus,
  SignaturesAccepted,
  SignaturesRejected,
  Signer,
  SubmitSignaturesRequest,
  VerifyRequest,
} from '@eimza/protocol';
import type { FastifyInstance } from 'fastify';

type Json = Record<string, unknown>;

/**
 * The protocol's TypeBox schemas nest named schemas (`Signer` sits inside `Report`, `SessionStatus`,
 * `SignaturesAccepted`…); Ajv and fast-json-stringify refuse the same `$id` twice, so every named schema
 * is registered once and every other use becomes a `$ref` to it. OpenAPI then lists them by name.
 */
const NAMED = [
  ErrorBody,
  Signer,
  Report,
  SessionStatus,
  CreateSessionRequest,
  CreateSessionResponse,
  Challenge,
  SubmitSignaturesRequest,
  SignaturesAccepted,
  SignaturesRejected,
  VerifyRequest,
] as const;

function idOf(value: unknown): string | undefined {
  if (value && typeof value === 'object' && '$id' in value) {
    const id = (value as Json).$id;
    return typeof id === 'string' ? id : undefined;
  }
  return undefined;
}

function replaceNested(value: unknown, root: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => replaceNested(v, false));
  if (!value || typeof value !== 'object') return value;
  const id = idOf(value);
  if (id && !root) return { $ref: `${id}#` };
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) out[k] = replaceNested(v, false);
  return out;
}

/** A reference to a named protocol schema, for route schemas. */
export function ref(schema: { $id?: string }): { $ref: string } {
  const id = idOf(schema);
  if (!id) throw new Error('ref() needs a named protocol schema');
  return { $ref: `${id}#` };
}

/** Plain JSON copy of a protocol schema with its named parts turned into references. */
export function inline(schema: unknown): Json {
  return replaceNested(schema, false) as Json;
}

export function registerSchemas(app: FastifyInstance): void {
  for (const schema of NAMED) app.addSchema(replaceNested(schema, true) as Json);
}

import {
  Challenge,
  ErrorBody,
  SignaturesAccepted,
  SignaturesRejected,
  SubmitSignaturesRequest,
  isValidVerificationCode,
  maskTckn,
  type SubmitSignaturesRequest as SubmitBody,
} from '@eimza/protocol';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../context.js';
import { encapsulatesContent } from '../domain/cms-probe.js';
import { decideOutcome, type ValidatedText } from '../domain/decision.js';
import { effectiveState, secondsLeft } from '../domain/status.js';
import { sendError } from '../plugins/errors.js';
import { ref } from '../schemas.js';
import type { StoredSession } from '../storage/store.js';

const CodeParams = {
  type: 'object',
  properties: { code: { type: 'string', maxLength: 64 } },
  required: ['code'],
} as const;

/** Answers 400/404/409/410 itself and returns undefined unless the session can still be signed. */
async function openSession(
  ctx: AppContext,
  code: string,
  reply: FastifyReply,
): Promise<StoredSession | undefined> {
  if (!isValidVerificationCode(code)) {
    sendError(
      reply,
      400,
      'INVALID_CODE',
      'a verification code is 15 digits with a valid check digit',
    );
    return undefined;
  }
  const session = await ctx.store.findByCode(code);
  if (!session) {
    sendError(reply, 404, 'NOT_FOUND', 'no session has this verification code');
    return undefined;
  }
  const state = effectiveState(session, Date.now());
  if (state === 'expired') {
    sendError(reply, 410, 'EXPIRED', 'the session has expired');
    return undefined;
  }
  if (state !== 'pending') {
    sendError(reply, 409, 'ALREADY_USED', `the session is already ${state}`);
    return undefined;
  }
  return session;
}

/** Why the submission does not fit the challenge (one signature per text, no extras), if it does not. */
function submissionProblem(session: StoredSession, body: SubmitBody): string | undefined {
  const wanted = new Set(session.texts.map((t) => t.id));
  const seen = new Set<string>();
  for (const { textId } of body.signatures) {
    if (!wanted.has(textId)) return `unknown textId "${textId.slice(0, 40)}"`;
    if (seen.has(textId)) return `more than one signature for "${textId}"`;
    seen.add(textId);
  }
  if (seen.size !== wanted.size) return 'every text needs exactly one signature';
  return undefined;
}

export function registerChallengeRoutes(api: FastifyInstance, ctx: AppContext): void {
  const { config, store } = ctx;
  const limit = config.rateLimits.challenges;

  api.get<{ Params: { code: string } }>(
    '/challenges/:code',
    {
      config: { rateLimit: { max: limit.max, timeWindow: limit.windowMs } },
      schema: {
        summary: 'The texts to sign for a verification code (desktop app)',
        params: CodeParams,
        response: {
          200: ref(Challenge),
          400: ref(ErrorBody),
          404: ref(ErrorBody),
          409: ref(ErrorBody),
          410: ref(ErrorBody),
          429: ref(ErrorBody),
        },
      },
    },
    async (request, reply) => {
      const session = await openSession(ctx, request.params.code, reply);
      if (!session) return reply;
      const now = Date.now();
      await store.audit({
        sessionId: session.id,
        event: 'challenge-fetched',
        at: now,
        clientAddress: request.ip,
      });
      return {
        service: config.service,
        purpose: session.purpose,
        texts: session.texts,
        createdAt: new Date(session.createdAt).toISOString(),
        expiresAt: new Date(session.expiresAt).toISOString(),
        secondsLeft: secondsLeft(session.expiresAt, now),
        ...(session.tckn ? { signer: { tcknMasked: maskTckn(session.tckn) } } : {}),
      };
    },
  );

  api.post<{ Params: { code: string }; Body: SubmitBody }>(
    '/challenges/:code/signatures',
    {
      schema: {
        summary: 'Submit one CAdES signature per text (desktop app)',
        params: CodeParams,
        body: ref(SubmitSignaturesRequest),
        response: {
          200: ref(SignaturesAccepted),
          400: ref(ErrorBody),
          404: ref(ErrorBody),
          409: ref(ErrorBody),
          410: ref(ErrorBody),
          413: ref(ErrorBody),
          422: ref(SignaturesRejected),
          503: ref(ErrorBody),
        },
      },
    },
    async (request, reply) => {
      const session = await openSession(ctx, request.params.code, reply);
      if (!session) return reply;
      const problem = submissionProblem(session, request.body);
      if (problem) return sendError(reply, 400, 'BAD_SUBMISSION', problem);
      const validator = ctx.validator;
      if (!validator)
        return sendError(reply, 503, 'VALIDATION_UNAVAILABLE', 'no trust anchors are configured');

      const byId = new Map(session.texts.map((t) => [t.id, t]));
      const submitted = request.body.signatures.map((s) => ({
        text: byId.get(s.textId)!,
        cms: new Uint8Array(Buffer.from(s.cms, 'base64')),
      }));
      const validatedAt = new Date();
      const validated: ValidatedText[] = await Promise.all(
        submitted.map(async ({ text, cms }) => {
          // A detached signature gets the text as its content; an attached one must carry exactly it.
          const bytes = new TextEncoder().encode(text.content);
          const report = await validator.validate({
            cms,
            ...(encapsulatesContent(cms) ? {} : { content: bytes }),
            expectedContent: bytes,
            now: validatedAt,
          });
          return { text, report };
        }),
      );
      // Not a CMS SignedData at all: the submission is malformed, the session stays open.
      const unparseable = validated.find((v) => v.report.subIndication === 'FORMAT_FAILURE');
      if (unparseable) {
        const detail =
          unparseable.report.checks.find((c) => !c.passed)?.detail ?? 'not a CMS SignedData';
        return sendError(
          reply,
          400,
          'FORMAT_FAILURE',
          `signature for ${unparseable.text.id}: ${detail}`,
        );
      }

      const now = Date.now();
      const outcome = decideOutcome(validated, {
        tckn: session.tckn,
        createdAt: session.createdAt,
        now,
        clockSkewMs: config.clockSkewMs,
      });
      const evidence = submitted.map(({ text, cms }, i) => ({
        textId: text.id,
        textContent: text.content,
        cms,
        report: JSON.stringify(validated[i]!.report),
      }));
      const won = await store.decide(
        session.id,
        outcome.state === 'signed'
          ? { state: 'signed', signer: outcome.signer }
          : { state: 'rejected', rejection: outcome.rejection },
        evidence,
        {
          at: now,
          clientAddress: request.ip,
          detail: {
            indication: outcome.report.indication,
            ...(outcome.state === 'rejected' ? { code: outcome.rejection.code } : {}),
          },
        },
      );
      if (!won) {
        const current = await store.findSession(session.id);
        const state = current ? effectiveState(current, Date.now()) : 'expired';
        return state === 'expired'
          ? sendError(reply, 410, 'EXPIRED', 'the session has expired')
          : sendError(reply, 409, 'ALREADY_USED', `the session is already ${state}`);
      }
      ctx.metrics.sessions.inc({ event: outcome.state });
      ctx.hub.publish(session.id);
      if (outcome.state === 'signed') {
        return { state: 'signed', signer: outcome.signer, report: outcome.report };
      }
      return reply
        .code(422)
        .send({ state: 'rejected', rejection: outcome.rejection, report: outcome.report });
    },
  );
}

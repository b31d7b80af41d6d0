import {
  CreateSessionRequest,
  CreateSessionResponse,
  ErrorBody,
  SessionStatus,
  isValidTckn,
  type CreateSessionRequest as CreateBody,
} from '@eimza/protocol';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../context.js';
import { bearerToken, browserTokenMatches, newBrowserToken } from '../domain/browser-token.js';
import { sessionStatus } from '../domain/status.js';
import { buildTexts, formProblem } from '../domain/texts.js';
import { drawVerificationCode } from '../domain/verification-code.js';
import { sendError } from '../plugins/errors.js';
import { ref } from '../schemas.js';
import { CodeCollisionError, type StoredSession } from '../storage/store.js';
import { randomUUID } from 'node:crypto';

const CODE_ATTEMPTS = 10;
const SessionParams = {
  type: 'object',
  properties: { sessionId: { type: 'string', format: 'uuid' } },
  required: ['sessionId'],
} as const;

function requestProblem(body: CreateBody): { code: string; message: string } | undefined {
  if (body.tckn !== undefined && !isValidTckn(body.tckn)) {
    return { code: 'INVALID_TCKN', message: 'tckn is not a valid T.C. Kimlik No (checksum)' };
  }
  if (body.purpose === 'application') {
    if (!body.form) return { code: 'FORM_REQUIRED', message: 'purpose "application" needs a form' };
    const problem = formProblem(body.form);
    if (problem) return { code: 'INVALID_FORM', message: problem };
  } else if (body.form) {
    return { code: 'FORM_NOT_ALLOWED', message: `purpose "${body.purpose}" takes no form` };
  }
  return undefined;
}

export function registerSessionRoutes(api: FastifyInstance, ctx: AppContext): void {
  const { config, store } = ctx;
  const limit = config.rateLimits.sessions;

  api.post<{ Body: CreateBody }>(
    '/sessions',
    {
      config: { rateLimit: { max: limit.max, timeWindow: limit.windowMs } },
      schema: {
        summary: 'Open a signing session (portal page)',
        body: ref(CreateSessionRequest),
        response: { 201: ref(CreateSessionResponse), 400: ref(ErrorBody), 429: ref(ErrorBody) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const problem = requestProblem(body);
      if (problem) return sendError(reply, 400, problem.code, problem.message);
      const { token, hash } = newBrowserToken();
      const form = body.purpose === 'application' ? (body.form ?? null) : null;
      for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
        const id = randomUUID();
        const code = drawVerificationCode();
        const now = Date.now();
        const expiresAt = now + config.sessionTtlSeconds * 1000;
        const texts = buildTexts({
          service: config.service,
          purpose: body.purpose,
          code,
          createdAt: new Date(now),
          form,
        });
        try {
          await store.createSession(
            {
              id,
              code,
              purpose: body.purpose,
              tckn: body.tckn ?? null,
              form,
              texts,
              tokenHash: hash,
              createdAt: now,
              expiresAt,
            },
            { at: now, clientAddress: request.ip, detail: { purpose: body.purpose } },
          );
        } catch (error) {
          if (error instanceof CodeCollisionError) continue;
          throw error;
        }
        ctx.metrics.sessions.inc({ event: 'created' });
        return reply.code(201).send({
          sessionId: id,
          verificationCode: code,
          expiresAt: new Date(expiresAt).toISOString(),
          secondsLeft: config.sessionTtlSeconds,
          browserToken: token,
        });
      }
      return sendError(
        reply,
        503,
        'CODE_EXHAUSTED',
        'could not draw a free verification code, try again',
      );
    },
  );

  /** The session if `token` is its browser token; otherwise answers 401/404 itself. */
  async function authorised(
    sessionId: string,
    token: string | undefined,
    reply: FastifyReply,
  ): Promise<StoredSession | undefined> {
    if (!token) {
      sendError(reply, 401, 'UNAUTHORIZED', 'the browser token is missing');
      return undefined;
    }
    const session = await store.findSession(sessionId);
    if (!session) {
      sendError(reply, 404, 'NOT_FOUND', 'no such session');
      return undefined;
    }
    if (!browserTokenMatches(token, session.tokenHash)) {
      sendError(reply, 401, 'UNAUTHORIZED', 'the browser token does not match');
      return undefined;
    }
    return session;
  }

  api.get<{ Params: { sessionId: string } }>(
    '/sessions/:sessionId',
    {
      schema: {
        summary: 'Read a session’s state (portal page, with its browser token)',
        params: SessionParams,
        security: [{ browserToken: [] }],
        response: { 200: ref(SessionStatus), 401: ref(ErrorBody), 404: ref(ErrorBody) },
      },
    },
    async (request, reply) => {
      const session = await authorised(
        request.params.sessionId,
        bearerToken(request.headers.authorization),
        reply,
      );
      if (!session) return reply;
      return sessionStatus(session, Date.now());
    },
  );

  api.get<{ Params: { sessionId: string }; Querystring: { token?: string } }>(
    '/sessions/:sessionId/events',
    {
      schema: {
        summary:
          'Server-Sent Events: a `state` event (SessionStatus) on every change until the final state',
        params: SessionParams,
        querystring: {
          type: 'object',
          properties: { token: { type: 'string', maxLength: 200 } },
          additionalProperties: false,
        },
        response: {
          200: { description: 'text/event-stream of `state` events', type: 'string' },
          401: ref(ErrorBody),
          404: ref(ErrorBody),
        },
      },
    },
    async (request, reply) => {
      const session = await authorised(request.params.sessionId, request.query.token, reply);
      if (!session) return reply;
      reply.hijack();
      watchSession(ctx, session, ctx.streams.start(reply.raw), request.log);
      return reply;
    },
  );
}

/** Sends the current state, then each change, and ends the stream once the state is final. */
function watchSession(
  ctx: AppContext,
  session: StoredSession,
  stream: ReturnType<AppContext['streams']['start']>,
  log: FastifyInstance['log'],
): void {
  let lastState: string | undefined;
  let chain = Promise.resolve();
  const push = () => {
    chain = chain
      .then(async () => {
        if (stream.isClosed) return;
        const current = await ctx.store.findSession(session.id);
        if (!current || stream.isClosed) return stream.end();
        const status = sessionStatus(current, Date.now());
        if (status.state !== lastState) {
          lastState = status.state;
          stream.send('state', status);
        }
        if (status.state !== 'pending') stream.end();
      })
      .catch((error: unknown) => {
        log.warn({ err: error }, 'session stream failed');
        stream.end();
      });
  };
  const unsubscribe = ctx.hub.subscribe(session.id, push);
  // The stream must say `expired` on time even between two sweeps.
  const expiry = setTimeout(
    () => {
      ctx.store
        .expireSession(session.id, Date.now())
        .then((changed) => {
          if (changed) {
            ctx.metrics.sessions.inc({ event: 'expired' });
            ctx.hub.publish(session.id);
          } else push();
        })
        .catch((error: unknown) => log.warn({ err: error }, 'session expiry failed'));
    },
    Math.max(0, session.expiresAt - Date.now()) + 10,
  );
  stream.whenEnded(() => {
    clearTimeout(expiry);
    unsubscribe();
  });
  push();
}

import {
  ErrorBody,
  Report,
  VerifyRequest,
  type VerifyRequest as VerifyBody,
} from '@eimza/protocol';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { sendError } from '../plugins/errors.js';
import { ref } from '../schemas.js';

export function registerVerifyRoute(api: FastifyInstance, ctx: AppContext): void {
  api.post<{ Body: VerifyBody }>(
    '/verify',
    {
      schema: {
        summary: 'Validate any CAdES signature; touches no session',
        body: ref(VerifyRequest),
        response: {
          200: ref(Report),
          400: ref(ErrorBody),
          413: ref(ErrorBody),
          503: ref(ErrorBody),
        },
      },
    },
    async (request, reply) => {
      const validator = ctx.validator;
      if (!validator)
        return sendError(reply, 503, 'VALIDATION_UNAVAILABLE', 'no trust anchors are configured');
      const { cms, content } = request.body;
      return validator.validate({
        cms: new Uint8Array(Buffer.from(cms, 'base64')),
        ...(content !== undefined
          ? { content: new Uint8Array(Buffer.from(content, 'base64')) }
          : {}),
        now: new Date(),
      });
    },
  );
}

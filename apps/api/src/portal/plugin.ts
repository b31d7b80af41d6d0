import { readFileSync } from 'node:fs';
import {
  PROTOCOL_BASE_PATH,
  groupVerificationCode,
  isValidTckn,
  type CreateSessionRequest,
  type CreateSessionResponse,
  type Signer,
} from '@eimza/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { browserTokenMatches } from '../domain/browser-token.js';
import { effectiveState } from '../domain/status.js';
import { sendError } from '../plugins/errors.js';
import {
  APPLICATION_FIELDS,
  CHOICES,
  applicationErrors,
  maskPhone,
  signedForm,
  type ApplicationInput,
} from './form.js';
import { DevSmsOutbox, type SmsSender } from './sms.js';
import {
  LOGIN_TTL_MS,
  OPERATIONS,
  PortalState,
  type Operation,
  type PortalLogin,
  type SigningPurpose,
} from './state.js';

export interface PortalOptions {
  readonly ctx: AppContext;
  /** Defaults to the development outbox shown at /dev/sms-outbox. */
  readonly sms?: SmsSender;
}

const COOKIE = 'eimza_portal';
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const PUBLIC = new URL('./public/', import.meta.url);
const ASSETS: Readonly<Record<string, { file: string; type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/portal/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/portal/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

function securityHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store');
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

type SignBody =
  | { kind: 'login'; tckn: string }
  | { kind: 'e-onay-accept' | 'e-onay-cancel' }
  | { kind: 'operation'; operation: string }
  | { kind: 'application'; applicationId: string };

const SIGN_BODY = {
  type: 'object',
  required: ['kind'],
  additionalProperties: false,
  properties: {
    kind: { enum: ['login', 'e-onay-accept', 'e-onay-cancel', 'operation', 'application'] },
    tckn: { type: 'string', maxLength: 11 },
    operation: { type: 'string', maxLength: 40 },
    applicationId: { type: 'string', maxLength: 64 },
  },
} as const;

const COMPLETE_BODY = {
  type: 'object',
  required: ['sessionId', 'browserToken'],
  additionalProperties: false,
  properties: {
    sessionId: { type: 'string', format: 'uuid' },
    browserToken: { type: 'string', maxLength: 200 },
  },
} as const;

const APPLICATION_BODY = {
  type: 'object',
  required: [...APPLICATION_FIELDS],
  additionalProperties: false,
  properties: Object.fromEntries(
    APPLICATION_FIELDS.map((f) => [f, { type: 'string', maxLength: 1000 }]),
  ),
} as const;

/**
 * The "NES Bireysel" portal pages (E-imzalı Giriş, E-Onay, certificate operations, Başvuru) and the
 * small JSON API behind them under /portal/api. Every signing goes through the public session API;
 * the portal only remembers what each session it opened is for and acts once it is signed.
 */
export async function portalPlugin(app: FastifyInstance, options: PortalOptions): Promise<void> {
  const { ctx } = options;
  const outbox = options.sms ? undefined : new DevSmsOutbox();
  const sms: SmsSender = options.sms ?? outbox!;
  const state = new PortalState();
  const secureCookie = new URL(ctx.config.service.origin).protocol === 'https:';
  const assets = new Map(
    Object.entries(ASSETS).map(([path, { file, type }]) => [
      path,
      { body: readFileSync(new URL(file, PUBLIC)), type },
    ]),
  );

  for (const [path, asset] of assets) {
    app.get(path, { schema: { hide: true } }, async (_request, reply) =>
      securityHeaders(reply).type(asset.type).send(asset.body),
    );
  }

  // No icon: an empty answer keeps the browser's request out of the error console.
  app.get('/favicon.ico', { schema: { hide: true } }, async (_request, reply) =>
    reply.code(204).send(),
  );

  const loginOf = (request: FastifyRequest): [string, PortalLogin] | undefined => {
    const id = cookieValue(request.headers.cookie, COOKIE);
    const login = state.findLogin(id, Date.now());
    return login && id ? [id, login] : undefined;
  };

  const audit = (
    request: FastifyRequest,
    sessionId: string | null,
    detail: Record<string, string>,
  ) =>
    ctx.store.audit({
      sessionId,
      event: 'portal-action',
      at: Date.now(),
      clientAddress: request.ip,
      detail,
    });

  /** Opens a session through the public API, so its checks and rate limit apply unchanged. */
  async function openSession(
    request: FastifyRequest,
    body: CreateSessionRequest,
  ): Promise<{ status: number; payload: unknown }> {
    const response = await app.inject({
      method: 'POST',
      url: `${PROTOCOL_BASE_PATH}/sessions`,
      payload: body,
      remoteAddress: request.ip,
    });
    return { status: response.statusCode, payload: response.json() };
  }

  app.get('/portal/api/me', { schema: { hide: true } }, async (request, reply) => {
    const found = loginOf(request);
    securityHeaders(reply);
    if (!found) return { loggedIn: false };
    const [, login] = found;
    return {
      loggedIn: true,
      name: login.signer.name,
      tckn: login.tckn,
      eOnay: state.hasEOnay(login.tckn),
      certificate: {
        serial: login.signer.certificateSerial,
        issuer: login.signer.issuer,
        notBefore: login.signer.notBefore,
        notAfter: login.signer.notAfter,
        keyAlgorithm: login.signer.keyAlgorithm,
      },
      choices: CHOICES,
    };
  });

  app.post<{ Body: SignBody }>(
    '/portal/api/sign',
    { schema: { hide: true, body: SIGN_BODY } },
    async (request, reply) => {
      securityHeaders(reply);
      const body = request.body;
      let purpose: SigningPurpose;
      let create: CreateSessionRequest;
      if (body.kind === 'login') {
        const tckn = 'tckn' in body ? body.tckn : '';
        if (!isValidTckn(tckn))
          return sendError(reply, 400, 'INVALID_TCKN', 'Geçerli bir T.C. Kimlik No giriniz.');
        purpose = { kind: 'login', tckn };
        create = { purpose: 'login', tckn };
      } else {
        const found = loginOf(request);
        if (!found) return sendError(reply, 401, 'NOT_LOGGED_IN', 'Önce e-imza ile giriş yapınız.');
        const [loginId, login] = found;
        if (body.kind === 'operation') {
          const operation = 'operation' in body ? body.operation : '';
          if (!Object.hasOwn(OPERATIONS, operation))
            return sendError(reply, 400, 'UNKNOWN_OPERATION', 'Bilinmeyen işlem.');
          purpose = { kind: 'operation', operation: operation as Operation, loginId };
          create = {
            purpose: 'application',
            tckn: login.tckn,
            form: { operation, İşlem: OPERATIONS[operation as Operation] },
          };
        } else if (body.kind === 'application') {
          const applicationId = 'applicationId' in body ? body.applicationId : '';
          const application = state.findApplication(applicationId, loginId);
          if (!application?.smsConfirmed)
            return sendError(reply, 409, 'SMS_NOT_CONFIRMED', 'Önce SMS kodunu onaylayınız.');
          purpose = { kind: 'application', applicationId, loginId };
          create = {
            purpose: 'application',
            tckn: login.tckn,
            form: signedForm(application.input),
          };
        } else {
          const accept = body.kind === 'e-onay-accept';
          if (accept === state.hasEOnay(login.tckn))
            return sendError(
              reply,
              409,
              'E_ONAY_STATE',
              accept ? 'E-Onay zaten verilmiş.' : 'Verilmiş bir E-Onay yok.',
            );
          purpose = { kind: body.kind, loginId };
          create = { purpose: body.kind, tckn: login.tckn };
        }
      }
      const { status, payload } = await openSession(request, create);
      if (status !== 201) return reply.code(status).send(payload);
      const session = payload as CreateSessionResponse;
      state.openSigning(session.sessionId, purpose, Date.parse(session.expiresAt), Date.now());
      return reply.code(201).send({
        ...session,
        groupedCode: groupVerificationCode(session.verificationCode),
        deepLink: `eimza://sign?code=${session.verificationCode}&api=${encodeURIComponent(ctx.config.service.origin)}`,
      });
    },
  );

  app.post<{ Body: { sessionId: string; browserToken: string } }>(
    '/portal/api/sign/complete',
    { schema: { hide: true, body: COMPLETE_BODY } },
    async (request, reply) => {
      securityHeaders(reply);
      const { sessionId, browserToken } = request.body;
      const session = await ctx.store.findSession(sessionId);
      if (
        !session ||
        !browserTokenMatches(browserToken, session.tokenHash) ||
        !state.peekSigning(sessionId)
      )
        return sendError(reply, 404, 'NOT_FOUND', 'Bu imza oturumu bulunamadı.');
      const sessionState = effectiveState(session, Date.now());
      if (sessionState !== 'signed' || !session.signer) {
        // A rejected or expired session can never complete: forget it now.
        if (sessionState !== 'pending') state.takeSigning(sessionId);
        return sendError(reply, 409, 'NOT_SIGNED', `İmza oturumu: ${sessionState}`);
      }
      const purpose = state.takeSigning(sessionId);
      if (!purpose) return sendError(reply, 409, 'ALREADY_DONE', 'Bu işlem zaten tamamlandı.');
      const signer: Signer = session.signer;
      if (purpose.kind === 'login') {
        // The API already refused any other person's card (TCKN_MISMATCH); checked again here.
        if (signer.tckn !== purpose.tckn)
          return sendError(reply, 403, 'TCKN_MISMATCH', 'İmzalayan kişi farklı.');
        const loginId = state.login(signer, Date.now());
        await audit(request, sessionId, { action: 'login', tckn: signer.tckn });
        const cookie = [
          `${COOKIE}=${loginId}`,
          'Path=/',
          'HttpOnly',
          'SameSite=Strict',
          `Max-Age=${LOGIN_TTL_MS / 1000}`,
          ...(secureCookie ? ['Secure'] : []),
        ].join('; ');
        return reply.header('set-cookie', cookie).send({ done: 'login', name: signer.name });
      }
      const login = state.findLogin(purpose.loginId, Date.now());
      if (!login || login.tckn !== signer.tckn)
        return sendError(
          reply,
          403,
          'NOT_LOGGED_IN',
          'Oturumunuz sona erdi; tekrar giriş yapınız.',
        );
      if (purpose.kind === 'application') {
        state.closeApplication(purpose.applicationId);
        await audit(request, sessionId, { action: 'application', tckn: login.tckn });
        return { done: 'application' };
      }
      if (purpose.kind === 'operation') {
        await audit(request, sessionId, { action: purpose.operation, tckn: login.tckn });
        return {
          done: 'operation',
          operation: purpose.operation,
          label: OPERATIONS[purpose.operation],
        };
      }
      state.setEOnay(login.tckn, purpose.kind === 'e-onay-accept');
      await audit(request, sessionId, { action: purpose.kind, tckn: login.tckn });
      return { done: purpose.kind };
    },
  );

  app.post<{ Body: ApplicationInput }>(
    '/portal/api/application',
    { schema: { hide: true, body: APPLICATION_BODY } },
    async (request, reply) => {
      securityHeaders(reply);
      const found = loginOf(request);
      if (!found) return sendError(reply, 401, 'NOT_LOGGED_IN', 'Önce e-imza ile giriş yapınız.');
      const [loginId, login] = found;
      const input = request.body;
      const errors = applicationErrors(input, login.tckn);
      if (Object.keys(errors).length > 0)
        return reply.code(400).send({
          error: { code: 'INVALID_FORM', message: 'Formda düzeltilecek alanlar var.' },
          fields: errors,
        });
      const [applicationId, code] = state.openApplication(loginId, input, Date.now());
      await sms.send(input.mobilePhone, `NES Bireysel başvuru doğrulama kodunuz: ${code}`);
      return { applicationId, phone: maskPhone(input.mobilePhone) };
    },
  );

  app.post<{ Params: { id: string }; Body: { code: string } }>(
    '/portal/api/application/:id/sms',
    {
      schema: {
        hide: true,
        body: {
          type: 'object',
          required: ['code'],
          additionalProperties: false,
          properties: { code: { type: 'string', maxLength: 10 } },
        },
      },
    },
    async (request, reply) => {
      securityHeaders(reply);
      const found = loginOf(request);
      if (!found) return sendError(reply, 401, 'NOT_LOGGED_IN', 'Önce e-imza ile giriş yapınız.');
      const application = state.findApplication(request.params.id, found[0]);
      if (!application) return sendError(reply, 404, 'NOT_FOUND', 'Başvuru bulunamadı.');
      const verdict = state.confirmSms(application, request.body.code.trim(), Date.now());
      if (verdict === 'wrong') return sendError(reply, 400, 'WRONG_SMS_CODE', 'SMS kodu hatalı.');
      if (verdict === 'over') {
        state.closeApplication(request.params.id);
        return sendError(
          reply,
          410,
          'SMS_CODE_OVER',
          'SMS kodunun süresi doldu; başvuruyu yeniden gönderiniz.',
        );
      }
      return { confirmed: true };
    },
  );

  app.post('/portal/api/logout', { schema: { hide: true } }, async (request, reply) => {
    state.logout(cookieValue(request.headers.cookie, COOKIE));
    return securityHeaders(reply)
      .header('set-cookie', `${COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`)
      .send({ loggedOut: true });
  });

  if (outbox) {
    app.get('/dev/sms-outbox', { schema: { hide: true } }, async (_request, reply) => {
      const rows = outbox
        .messages()
        .map(
          (m) =>
            `<tr><td>${escapeHtml(m.at.toISOString())}</td><td>${escapeHtml(m.to)}</td><td class="sms">${escapeHtml(m.text)}</td></tr>`,
        )
        .join('');
      return securityHeaders(reply)
        .type('text/html; charset=utf-8')
        .send(
          `<!doctype html><html lang="tr"><head><meta charset="utf-8"><title>Geliştirme SMS Kutusu</title>` +
            `<link rel="stylesheet" href="/portal/style.css"></head><body><main class="page">` +
            `<h1>Geliştirme SMS Kutusu (development outbox)</h1>` +
            `<p class="note">Bu sayfa yalnızca geliştirme içindir: portalın gönderdiği SMS’ler telefona gitmez, burada görünür.</p>` +
            `<table><thead><tr><th>Zaman</th><th>Alıcı</th><th>Mesaj</th></tr></thead><tbody>${rows || '<tr><td colspan="3">Henüz mesaj yok.</td></tr>'}</tbody></table>` +
            `</main></body></html>`,
        );
    });
  }
}

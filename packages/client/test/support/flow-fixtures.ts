import { maskTckn, type Challenge } from '@eimza/protocol';
import type { SigningEvent, SigningFlow } from '../../src/index.js';
import { verificationCode } from './protocol-fixtures.js';

let counter = 0;

/** A fresh well-formed verification code per call. */
export function freshCode(): string {
  counter += 1;
  return verificationCode(
    String(40000000000000 + counter * 7919 + Math.floor(Math.random() * 1000)),
  );
}

/** A protocol-conformant challenge whose texts name the code, as the API writes them. */
export function challengeFor(
  code: string,
  options: { tckn?: string; texts?: number; secondsLeft?: number } = {},
): Challenge {
  const created = new Date(Date.now() - 3000);
  const count = options.texts ?? 1;
  return {
    service: { name: 'Test Portalı', origin: 'https://portal.test' },
    purpose: count > 1 ? 'application' : 'login',
    texts: Array.from({ length: count }, (_, i) => ({
      id: `t${i + 1}`,
      title: `İmzalanacak Metin ${i + 1}`,
      content: `Kullanıcı servislerine elektronik imzalı olarak girme işlemini onaylıyorum.\nDoğrulama kodu: ${code}\nMetin ${i + 1}\nOluşturma: ${created.toISOString()}`,
    })),
    createdAt: created.toISOString(),
    expiresAt: new Date(created.getTime() + 285_000).toISOString(),
    secondsLeft: options.secondsLeft ?? 282,
    ...(options.tckn ? { signer: { tcknMasked: maskTckn(options.tckn) } } : {}),
  };
}

/** Collects a flow's events. */
export function record(flow: SigningFlow): SigningEvent[] {
  const events: SigningEvent[] = [];
  flow.subscribe((event) => events.push(event));
  return events;
}

export function types(events: SigningEvent[]): string[] {
  return events.map((e) => (e.type === 'failed' ? `failed:${e.error.code}` : e.type));
}

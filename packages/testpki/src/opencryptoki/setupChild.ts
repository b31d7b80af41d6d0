import type { IssueSignerOptions } from '../types.js';
import type { FromChild, ToChild } from './protocol.js';
import { setUpSoftToken, type SoftTokenRequest } from './setup.js';

// Child process of ensureOpenCryptokiToken: sets the soft token up, asking the parent's PKI for the certificate.

function send(message: FromChild): void {
  process.send?.(message);
}

let pendingCertificate: { resolve(der: Uint8Array): void; reject(error: Error): void } | undefined;

const issuer = {
  issueSigner(options: IssueSignerOptions): Promise<{ der: Uint8Array }> {
    return new Promise((resolve, reject) => {
      pendingCertificate = { resolve: (der) => resolve({ der }), reject };
      send({
        type: 'issue',
        options: {
          ...options,
          publicKey: Buffer.from(options.publicKey as Uint8Array).toString('base64'),
        },
      });
    });
  },
};

async function run(request: SoftTokenRequest): Promise<void> {
  try {
    const result = await setUpSoftToken(request, issuer);
    send({
      type: 'done',
      result: {
        slotId: result.slotId,
        tokenSerial: result.tokenSerial,
        ckaId: result.ckaId,
        keyLabel: result.keyLabel,
        certificateDer: Buffer.from(result.certificate.der).toString('base64'),
        daemonStarted: result.daemonStarted,
      },
    });
  } catch (error) {
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    send({ type: 'failed', name, message });
  }
  process.disconnect?.();
}

process.on('message', (message: ToChild) => {
  if (message.type === 'setup') void run(message.request);
  else if (message.type === 'certificate')
    pendingCertificate?.resolve(new Uint8Array(Buffer.from(message.der, 'base64')));
  else if (message.type === 'issueFailed') pendingCertificate?.reject(new Error(message.message));
});

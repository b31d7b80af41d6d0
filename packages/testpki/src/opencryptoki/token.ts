import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SignerIssuer } from '../softhsm/issuer.js';
import { summarizeCertificate, type CertificateSummary } from '../softhsm/pkcs11Objects.js';
import { OpenCryptokiUnavailableError, assertOpenCryptokiAvailable } from './availability.js';
import { MAX_PIN_LENGTH, MIN_PIN_LENGTH, OPENCRYPTOKI_MODULE_PATH } from './paths.js';
import type { FromChild, ToChild } from './protocol.js';

export interface EnsureOpenCryptokiTokenOptions {
  pki: SignerIssuer;
  /** Token label (at most 32 bytes). */
  label: string;
  /** User PIN, 4 to 8 characters (the soft token's limits). */
  pin: string;
  /** Becomes the SO PIN, 4 to 8 characters: the PUK that unlocks a locked user PIN. */
  puk: string;
  tckn: string;
  name: string;
}

export interface OpenCryptokiToken {
  modulePath: string;
  /** Decimal slot id (3 in the stock configuration). */
  slotId: string;
  label: string;
  tokenSerial: string;
  keyType: 'rsa2048';
  /** CKA_ID of key pair and certificate, lower-case hex. */
  ckaId: string;
  keyLabel: string;
  certificate: CertificateSummary;
  /** Whether this call had to start pkcsslotd. */
  daemonStarted: boolean;
  /** Wall time of the whole setup: child process, daemon, reset, initialisation, key generation, certificate. */
  setupMs: number;
}

const CHILD_TIMEOUT_MS = 60_000;

function assertPinLength(what: string, value: string): void {
  if (value.length < MIN_PIN_LENGTH || value.length > MAX_PIN_LENGTH) {
    throw new Error(
      `The ${what} must be ${MIN_PIN_LENGTH} to ${MAX_PIN_LENGTH} characters for the openCryptoki soft token.`,
    );
  }
}

/** The child runs TypeScript through tsx, resolved from here so any working directory works. */
function childArgs(): { script: string; execArgv: string[] } {
  const tsx = createRequire(import.meta.url).resolve('tsx');
  return {
    script: fileURLToPath(new URL('./setupChild.ts', import.meta.url)),
    execArgv: ['--import', pathToFileURL(tsx).href],
  };
}

/**
 * Sets up openCryptoki's soft token as a lockable test card: starts pkcsslotd if needed, resets the token,
 * initialises it (SO PIN changed from the factory value to `puk`, user PIN `pin`), generates an RSA-2048 key pair
 * on it and imports the test PKI's certificate under the same CKA_ID. The PKCS#11 work runs in a child process,
 * so the caller's process never has openCryptoki loaded by this function. The token is host-wide: hold the
 * openCryptoki lock (lock.ts) around the setup and everything that uses the token afterwards.
 */
export async function ensureOpenCryptokiToken(
  options: EnsureOpenCryptokiTokenOptions,
): Promise<OpenCryptokiToken> {
  const started = performance.now();
  assertOpenCryptokiAvailable();
  if (!options.label || Buffer.byteLength(options.label) > 32) {
    throw new Error(`Token label "${options.label}" must be 1 to 32 bytes long.`);
  }
  assertPinLength('PIN', options.pin);
  assertPinLength('PUK', options.puk);
  const { script, execArgv } = childArgs();
  const child = fork(script, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const send = (message: ToChild) => child.send(message);

  const outcome = await new Promise<Extract<FromChild, { type: 'done' }>['result']>(
    (resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(
          new Error(`The openCryptoki setup did not finish within ${CHILD_TIMEOUT_MS / 1000} s.`),
        );
      }, CHILD_TIMEOUT_MS);
      const settle = (action: () => void) => {
        clearTimeout(timer);
        action();
      };
      child.on('message', (message: FromChild) => {
        if (message.type === 'issue') {
          const { publicKey, ...rest } = message.options;
          options.pki
            .issueSigner({ ...rest, publicKey: new Uint8Array(Buffer.from(publicKey, 'base64')) })
            .then(
              (issued) =>
                send({ type: 'certificate', der: Buffer.from(issued.der).toString('base64') }),
              (error: Error) => send({ type: 'issueFailed', message: error.message }),
            );
        } else if (message.type === 'done') {
          settle(() => resolve(message.result));
        } else {
          const ErrorType =
            message.name === 'OpenCryptokiUnavailableError' ? OpenCryptokiUnavailableError : Error;
          settle(() => reject(new ErrorType(message.message)));
        }
      });
      child.on('error', (error) => settle(() => reject(error)));
      child.on('exit', (code, signal) =>
        settle(() =>
          reject(
            new Error(`The openCryptoki setup process ended early (${signal ?? `exit ${code}`}).`),
          ),
        ),
      );
      send({
        type: 'setup',
        request: {
          label: options.label,
          pin: options.pin,
          puk: options.puk,
          tckn: options.tckn,
          name: options.name,
        },
      });
    },
  );

  return {
    modulePath: OPENCRYPTOKI_MODULE_PATH,
    slotId: outcome.slotId,
    label: options.label,
    tokenSerial: outcome.tokenSerial,
    keyType: 'rsa2048',
    ckaId: outcome.ckaId,
    keyLabel: outcome.keyLabel,
    certificate: summarizeCertificate(
      new Uint8Array(Buffer.from(outcome.certificateDer, 'base64')),
    ),
    daemonStarted: outcome.daemonStarted,
    setupMs: Math.round(performance.now() - started),
  };
}

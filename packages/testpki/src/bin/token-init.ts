import { X509Certificate } from 'node:crypto';
import { parseArgs } from 'node:util';
import { initDemoTokens, type DemoTokensReport } from '../softhsm/demoTokens.js';

const USAGE = `Usage: npm run token:init -- [--reset] [--reset-pki] [--json]

Creates the test PKI and two SoftHSM2 demo tokens (RSA-2048 and EC P-256) in the eimza state folder
(EIMZA_STATE_DIR, default ~/.local/share/eimza). Running it again changes nothing.

  --reset      delete the tokens and make them again (the test PKI is kept)
  --reset-pki  delete the test PKI too, and start over
  --json       print the result as JSON
  -h, --help   show this help`;

const KEY_TYPES = { rsa2048: 'RSA-2048', 'ec-p256': 'EC P-256', 'ec-p384': 'EC P-384' } as const;
const TEST_CREDENTIALS_NOTE =
  'These are test credentials of software test tokens, printed for convenience; never use them on a real card.';

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function text(report: DemoTokensReport): string {
  const created = report.tokens.filter((token) => token.created).length;
  const lines = [
    created === 0
      ? 'eimza test tokens: already in place, nothing changed.'
      : `eimza test tokens: ${created} token(s) created.`,
    `  state folder    ${report.stateDir}`,
    `  SOFTHSM2_CONF   ${report.confPath}`,
    `  PKCS#11 module  ${report.modulePath}`,
    `  test PKI        ${report.pki.dir} (${report.pki.created ? 'created' : 'loaded'}; OCSP/CRL/TSA URLs at ${report.pki.baseUrl})`,
    '',
  ];
  for (const token of report.tokens) {
    const { certificate } = token;
    lines.push(
      `  ${token.label}  (${token.created ? 'created' : 'unchanged'})`,
      `    slot ${token.slotId}, token serial ${token.tokenSerial}, ${KEY_TYPES[token.keyType]} key, CKA_ID ${token.ckaId}`,
      `    subject      ${certificate.subject}`,
      `    issuer       ${certificate.issuer}`,
      `    serial       ${certificate.serialNumberHex}`,
      `    valid        ${day(certificate.notBefore)} to ${day(certificate.notAfter)}`,
      '',
    );
  }
  lines.push(
    `  PIN ${report.pin}, PUK ${report.puk} (both tokens).`,
    `  ${TEST_CREDENTIALS_NOTE}`,
    '',
    `  To use the tokens: export SOFTHSM2_CONF=${report.confPath}`,
  );
  return `${lines.join('\n')}\n`;
}

function json(report: DemoTokensReport): string {
  const tokens = report.tokens.map(({ certificate, ...token }) => ({
    ...token,
    certificate: {
      serialNumberHex: certificate.serialNumberHex,
      subject: certificate.subject,
      issuer: certificate.issuer,
      notBefore: certificate.notBefore.toISOString(),
      notAfter: certificate.notAfter.toISOString(),
      pem: new X509Certificate(certificate.der).toString(),
    },
  }));
  return `${JSON.stringify({ ...report, tokens, note: TEST_CREDENTIALS_NOTE }, null, 2)}\n`;
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        reset: { type: 'boolean', default: false },
        'reset-pki': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    process.stderr.write(`token:init: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const report = await initDemoTokens({ reset: values.reset, resetPki: values['reset-pki'] });
    process.stdout.write(values.json ? json(report) : text(report));
    return 0;
  } catch (error) {
    process.stderr.write(`token:init: ${(error as Error).message}\n`);
    return 1;
  }
}

process.exitCode = await main();

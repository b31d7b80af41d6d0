import type { CertificateInfo } from '@eimza/token';
import { openTokens, type Context } from '../context.js';
import { CliError } from '../errors.js';
import {
  canSign,
  formatDate,
  keyAlgorithmLabel,
  maskTckn,
  validity,
  type ValidityStatus,
} from '../format/certificate.js';
import { rows } from '../output.js';

export interface CertsOptions {
  full?: boolean;
}

/** `eimza certs`: the certificates on every present token, with expiry warnings. */
export async function certsCommand(ctx: Context, options: CertsOptions): Promise<void> {
  const service = await openTokens(ctx);
  if (!service.modules().some((m) => m.loaded)) throw new CliError('NO_MODULE');
  const certificates = await service.listCertificates();
  const now = new Date();

  if (ctx.out.json) {
    ctx.out.result({
      certificates: certificates.map((cert) => jsonCertificate(cert, options, now)),
    });
    return;
  }
  const { t, out } = ctx;
  out.line(out.style('bold', t('certs.title', { count: certificates.length })));
  if (certificates.length === 0) out.line(`  ${t('certs.none')}`);
  certificates.forEach((cert) => {
    const check = validity(cert, now);
    out.line();
    out.line(`  ${out.style('cyan', cert.commonName ?? cert.subject)}`);
    const lines = rows(
      [
        [t('certs.id'), cert.id],
        [t('certs.tckn'), cert.tckn ? tcknText(cert.tckn, options) : '—'],
        [t('certs.subject'), subjectText(cert, options)],
        [t('certs.issuer'), cert.issuer],
        [
          t('certs.validity'),
          `${formatDate(cert.notBefore)} – ${formatDate(cert.notAfter)}  ${validityLabel(ctx, check.status, check.daysLeft)}`,
        ],
        [t('certs.keyAlgorithm'), keyAlgorithmLabel(cert.keyAlgorithm)],
        [t('certs.keyUsage'), cert.keyUsage.join(', ') || '—'],
        [t('certs.token'), `${cert.tokenLabel} (${cert.tokenSerial})`],
        [t('certs.signing'), canSign(cert) ? t('common.yes') : t('certs.noSigning')],
      ],
      '    ',
    );
    for (const line of lines) out.line(line);
  });
  const warnings = certificates.filter((cert) => validity(cert, now).status !== 'valid');
  for (const cert of warnings) {
    const check = validity(cert, now);
    out.note(
      out.style(
        'yellow',
        t(`certs.warning.${check.status}`, {
          name: cert.commonName ?? cert.id,
          days: check.daysLeft,
        }),
      ),
    );
  }
}

function tcknText(tckn: string, options: CertsOptions): string {
  return options.full ? tckn : maskTckn(tckn);
}

/** The subject carries the T.C. Kimlik No too (serialNumber), so it is masked there as well. */
function subjectText(cert: CertificateInfo, options: CertsOptions): string {
  return cert.tckn && !options.full
    ? cert.subject.split(cert.tckn).join(maskTckn(cert.tckn))
    : cert.subject;
}

function validityLabel(ctx: Context, status: ValidityStatus, daysLeft: number): string {
  const text = ctx.t(`certs.status.${status}`, { days: daysLeft });
  if (status === 'expired' || status === 'notYetValid' || status === 'expires7')
    return ctx.out.style('red', text);
  if (status === 'expires30') return ctx.out.style('yellow', text);
  return ctx.out.style('green', text);
}

function jsonCertificate(cert: CertificateInfo, options: CertsOptions, now: Date) {
  const check = validity(cert, now);
  return {
    id: cert.id,
    name: cert.commonName ?? null,
    tckn: cert.tckn ? tcknText(cert.tckn, options) : null,
    subject: subjectText(cert, options),
    issuer: cert.issuer,
    serialNumberHex: cert.serialNumberHex,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    validity: check.status,
    daysLeft: check.daysLeft,
    keyAlgorithm: cert.keyAlgorithm,
    keyUsage: cert.keyUsage,
    nonRepudiation: cert.nonRepudiation,
    signingCapable: canSign(cert),
    tokenLabel: cert.tokenLabel,
    tokenSerial: cert.tokenSerial,
    moduleName: cert.moduleName,
    ckaId: cert.ckaId,
    label: cert.label,
    fingerprintSha256: cert.fingerprintSha256,
    certificatePem: toPem(cert.der),
  };
}

function toPem(der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${base64.replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
}

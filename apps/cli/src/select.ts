import type { CertificateInfo, TokenInfo } from '@eimza/token';
import { CliError } from './errors.js';

/** `--token` matches a serial first, then a label; without it the only present token is meant. */
export function selectToken(tokens: TokenInfo[], wanted: string | undefined): TokenInfo {
  if (tokens.length === 0) throw new CliError('NO_TOKENS');
  const list = tokens.map((token) => `${token.label} (${token.serial})`).join(', ');
  if (wanted === undefined) {
    if (tokens.length === 1) return tokens[0] as TokenInfo;
    throw new CliError('TOKEN_AMBIGUOUS', { tokens: list });
  }
  const bySerial = tokens.filter((token) => token.serial === wanted);
  const matches = bySerial.length > 0 ? bySerial : tokens.filter((token) => token.label === wanted);
  if (matches.length === 1) return matches[0] as TokenInfo;
  if (matches.length === 0) throw new CliError('TOKEN_UNKNOWN', { token: wanted, tokens: list });
  throw new CliError('TOKEN_AMBIGUOUS', {
    tokens: matches.map((t) => `${t.label} (${t.serial})`).join(', '),
  });
}

/** `--cert` takes the id `eimza certs` prints; a unique CKA_LABEL also works, as people read labels, not ids. */
export function selectCertificate(
  certificates: CertificateInfo[],
  wanted: string,
): CertificateInfo {
  const byId = certificates.find((cert) => cert.id === wanted);
  if (byId) return byId;
  const byLabel = certificates.filter((cert) => cert.label === wanted);
  if (byLabel.length === 1) return byLabel[0] as CertificateInfo;
  const ids = (byLabel.length > 1 ? byLabel : certificates).map((cert) => cert.id).join(', ');
  if (byLabel.length > 1) throw new CliError('CERTIFICATE_AMBIGUOUS', { cert: wanted, ids });
  throw new CliError('CERTIFICATE_UNKNOWN', { cert: wanted, ids: ids || '—' });
}

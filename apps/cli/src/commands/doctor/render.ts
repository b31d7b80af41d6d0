import type { Translate } from '../../i18n.js';
import type { Output } from '../../output.js';
import type { Check, DoctorFindings } from './checks.js';

/** The report as lines of text; `style` colours them for a terminal, the support bundle gets them plain. */
export function doctorLines(
  t: Translate,
  findings: DoctorFindings,
  style: (status: Check['status'], text: string) => string = (_s, text) => text,
): string[] {
  const lines: string[] = [];
  for (const check of findings.checks) {
    const params = { ...check.params };
    if (check.area === 'token') params.pin = t(`pinState.${String(check.params.pin)}`);
    lines.push(`${style(check.status, check.status.padEnd(4))}  ${t(check.key, params)}`);
    if (check.hint) lines.push(`      → ${t(check.hint)}`);
  }
  if (findings.readers?.output) {
    lines.push('', `${findings.readers.tool}:`);
    for (const line of findings.readers.output.split('\n')) lines.push(`  ${line}`);
  }
  const count = (status: Check['status']) =>
    findings.checks.filter((c) => c.status === status).length;
  lines.push(
    '',
    t('doctor.summary', { ok: count('OK'), warn: count('WARN'), fail: count('FAIL') }),
  );
  return lines;
}

export function printDoctor(t: Translate, out: Output, findings: DoctorFindings): void {
  const colour = { OK: 'green', WARN: 'yellow', FAIL: 'red' } as const;
  for (const line of doctorLines(t, findings, (status, text) => out.style(colour[status], text))) {
    out.line(line);
  }
}

/** The --json form: checks with their localised message and hint beside the stable key. */
export function doctorJson(t: Translate, findings: DoctorFindings): Record<string, unknown> {
  return {
    versions: findings.versions,
    checks: findings.checks.map((check) => ({
      ...check,
      message: t(
        check.key,
        check.area === 'token'
          ? { ...check.params, pin: t(`pinState.${String(check.params.pin)}`) }
          : check.params,
      ),
      ...(check.hint ? { hint: t(check.hint) } : {}),
    })),
    modules: findings.modules,
    tokens: findings.tokens,
    certificates: findings.certificates,
    readers: findings.readers,
  };
}

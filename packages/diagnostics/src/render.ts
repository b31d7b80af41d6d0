import type { Check, Findings, Translate } from './types.js';

export interface RenderOptions {
  /**
   * i18next context for wording that differs per app: `desktop` selects `…_desktop` keys where they exist
   * (hints that would otherwise name CLI commands), falling back to the plain key.
   */
  context?: string;
}

/** A check as one sentence and, for WARN and FAIL, what to do about it, in the translator's language. */
export function renderCheck(
  t: Translate,
  check: Check,
  options: RenderOptions = {},
): { message: string; hint?: string } {
  const params: Record<string, unknown> = { ...check.params };
  if (check.area === 'token') params.pin = t(`pinState.${String(check.params.pin)}`);
  if (options.context) params.context = options.context;
  const message = t(check.key, params);
  if (!check.hint) return { message };
  return {
    message,
    hint: t(check.hint, options.context ? { context: options.context } : undefined),
  };
}

/** The report as lines of text; `style` colours them for a terminal, the support bundle gets them plain. */
export function reportLines(
  t: Translate,
  findings: Findings,
  style: (status: Check['status'], text: string) => string = (_s, text) => text,
  options: RenderOptions = {},
): string[] {
  const lines: string[] = [];
  for (const check of findings.checks) {
    const { message, hint } = renderCheck(t, check, options);
    lines.push(`${style(check.status, check.status.padEnd(4))}  ${message}`);
    if (hint) lines.push(`      → ${hint}`);
  }
  if (findings.readers?.output) {
    lines.push('', `${findings.readers.tool}:`);
    for (const line of findings.readers.output.split('\n')) lines.push(`  ${line}`);
  }
  const counts = statusCounts(findings.checks);
  lines.push('', t('doctor.summary', { ok: counts.OK, warn: counts.WARN, fail: counts.FAIL }));
  return lines;
}

export function statusCounts(checks: Check[]): Record<Check['status'], number> {
  const counts = { OK: 0, WARN: 0, FAIL: 0 };
  for (const check of checks) counts[check.status] += 1;
  return counts;
}

/** The machine-readable form: checks with their localised message and hint beside the stable key. */
export function reportJson(
  t: Translate,
  findings: Findings,
  options: RenderOptions = {},
): Record<string, unknown> {
  return {
    versions: findings.versions,
    checks: findings.checks.map((check) => {
      const { message, hint } = renderCheck(t, check, options);
      return { ...check, message, ...(hint ? { hint } : {}) };
    }),
    modules: findings.modules,
    tokens: findings.tokens,
    certificates: findings.certificates,
    readers: findings.readers,
  };
}

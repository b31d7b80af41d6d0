import { reportLines, type Findings } from '@eimza/diagnostics';
import type { Translate } from '../../i18n.js';
import type { Output } from '../../output.js';

export function printDoctor(t: Translate, out: Output, findings: Findings): void {
  const colour = { OK: 'green', WARN: 'yellow', FAIL: 'red' } as const;
  for (const line of reportLines(t, findings, (status, text) => out.style(colour[status], text))) {
    out.line(line);
  }
}

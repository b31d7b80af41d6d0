import type { Check } from './types.js';

/** Skew against the server's clock beyond which signing times and certificate checks may disagree. */
const CLOCK_SKEW_WARN_MS = 60_000;

/** GET /healthz, and the clock compared with the server's Date header (taken at the request's midpoint). */
export async function checkApi(apiUrl: string): Promise<Check[]> {
  const url = new URL('/healthz', apiUrl).toString();
  const started = Date.now();
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(5000), redirect: 'manual' });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).name;
    return [
      {
        area: 'api',
        status: 'FAIL',
        key: 'doctor.apiUnreachable',
        params: { url, error: reason },
        hint: 'doctor.hints.api',
      },
    ];
  }
  const finished = Date.now();
  const checks: Check[] = [
    response.ok
      ? {
          area: 'api',
          status: 'OK',
          key: 'doctor.apiOk',
          params: { url, status: response.status, ms: finished - started },
        }
      : {
          area: 'api',
          status: 'FAIL',
          key: 'doctor.apiStatus',
          params: { url, status: response.status },
          hint: 'doctor.hints.api',
        },
  ];
  const date = response.headers.get('date');
  if (date) {
    // Date has whole seconds: half a second of the difference is rounding, not skew.
    const skewMs = Date.parse(date) + 500 - (started + finished) / 2;
    const seconds = Math.round(skewMs / 1000);
    checks.push(
      Math.abs(skewMs) > CLOCK_SKEW_WARN_MS
        ? {
            area: 'clock',
            status: 'WARN',
            key: 'doctor.clockSkew',
            params: { seconds },
            hint: 'doctor.hints.clock',
          }
        : { area: 'clock', status: 'OK', key: 'doctor.clockOk', params: { seconds } },
    );
  }
  return checks;
}

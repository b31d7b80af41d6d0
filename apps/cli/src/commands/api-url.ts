/** The API to talk to: `--api`, else EIMZA_API_URL, else the local development server. */
export function apiBaseUrl(option: string | undefined, env: NodeJS.ProcessEnv): string {
  return option ?? (env.EIMZA_API_URL || 'http://127.0.0.1:8080');
}

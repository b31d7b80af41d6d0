/**
 * Whether an IPC message comes from the app's own renderer: the sender frame's URL must use the
 * app's scheme (`file`, or a custom one such as `app`) and, when given, its host. A `file:` URL
 * with a host (a network share) is never trusted. Pure: the Electron layer passes the frame URL.
 */
export function isTrustedSender(
  frameUrl: string,
  expected: { scheme: string; host?: string },
): boolean {
  let url: URL;
  try {
    url = new URL(frameUrl);
  } catch {
    return false;
  }
  const scheme = expected.scheme.toLowerCase().replace(/:$/, '');
  if (url.protocol !== `${scheme}:`) return false;
  if (url.username || url.password) return false;
  if (expected.host !== undefined) return url.host.toLowerCase() === expected.host.toLowerCase();
  return scheme === 'file' ? url.host === '' : true;
}

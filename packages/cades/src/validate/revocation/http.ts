const MAX_BODY = 10 * 1024 * 1024;

/** GET or POST a small binary resource; throws on network errors, timeouts and non-2xx. */
export async function fetchBytes(
  url: string,
  timeoutMs: number,
  post?: { body: Uint8Array; contentType: string },
): Promise<Uint8Array> {
  if (!/^https?:\/\//i.test(url)) throw new Error(`unsupported URL scheme: ${url}`);
  const res = await fetch(url, {
    method: post ? 'POST' : 'GET',
    ...(post
      ? { body: Buffer.from(post.body), headers: { 'content-type': post.contentType } }
      : {}),
    signal: AbortSignal.timeout(timeoutMs),
    redirect: 'error',
  });
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`HTTP ${res.status} from ${url}`);
  }
  const buf = new Uint8Array(await res.arrayBuffer());
  if (buf.length > MAX_BODY) throw new Error(`response from ${url} too large`);
  return buf;
}

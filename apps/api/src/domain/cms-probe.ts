interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
}

function readTlv(der: Uint8Array, offset: number, limit: number): Tlv {
  if (offset + 2 > limit) throw new RangeError('truncated');
  const tag = der[offset]!;
  let length = der[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || start + count > limit) throw new RangeError('bad length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[start + i]!;
    start += count;
  }
  if (start + length > limit) throw new RangeError('truncated');
  return { tag, start, end: start + length };
}

/**
 * Whether a ContentInfo(SignedData) carries its content (encapContentInfo has eContent).
 * Only walks the outer structure; the validator does the real parsing. Undefined when the
 * bytes are not shaped like a SignedData at all.
 */
export function encapsulatesContent(der: Uint8Array): boolean | undefined {
  try {
    const contentInfo = readTlv(der, 0, der.length);
    const contentType = readTlv(der, contentInfo.start, contentInfo.end);
    const explicit = readTlv(der, contentType.end, contentInfo.end);
    const signedData = readTlv(der, explicit.start, explicit.end);
    const version = readTlv(der, signedData.start, signedData.end);
    const digestAlgorithms = readTlv(der, version.end, signedData.end);
    const encap = readTlv(der, digestAlgorithms.end, signedData.end);
    const eContentType = readTlv(der, encap.start, encap.end);
    return eContentType.end < encap.end;
  } catch {
    return undefined;
  }
}

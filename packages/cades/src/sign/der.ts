import * as asn1js from 'asn1js';

/**
 * Parses one BER/DER element spanning all of `der` (no trailing bytes). Callers copy the
 * original bytes into what they build, so a certificate stays exactly what its issuer signed.
 */
export function parseElement(der: Uint8Array, what: string): asn1js.BaseBlock {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset !== der.length || parsed.result.error) {
    throw new TypeError(`${what} is not a single ASN.1 element`);
  }
  return parsed.result;
}

export function encode(block: asn1js.BaseBlock): Uint8Array {
  return new Uint8Array(block.toBER());
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic order of encodings, the order DER gives the members of a SET OF. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** DER bytes of a PEM block, or the input itself when it is already binary. */
export function fromPemOrDer(input: Uint8Array | string, what: string): Uint8Array {
  if (typeof input !== 'string') return input;
  const match = /-----BEGIN [A-Z0-9 ]+-----([\s\S]*?)-----END [A-Z0-9 ]+-----/.exec(input);
  if (!match?.[1]) throw new TypeError(`${what} is not PEM`);
  return new Uint8Array(Buffer.from(match[1].replace(/\s+/g, ''), 'base64'));
}

/**
 * A constructed element whose content is already DER (e.g. sorted SET OF members, embedded
 * certificates): asn1js writes its tag and length, and the content is copied as it is.
 * Re-encoding parsed structures with asn1js costs most of the signing time otherwise.
 */
export function constructedFromContent(
  tagClass: 1 | 3,
  tagNumber: number,
  content: Uint8Array,
): asn1js.Primitive {
  const element = new asn1js.Primitive({ idBlock: { tagClass, tagNumber }, valueHex: content });
  element.idBlock.isConstructed = true;
  return element;
}

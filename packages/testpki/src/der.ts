/** Small DER/PEM/hex helpers shared by the certificate, OCSP, CRL and TSA code. */

/** Bytes backed by a plain ArrayBuffer, which is what WebCrypto and the asn1 libraries accept. */
export type Bytes = Uint8Array<ArrayBuffer>;

/** A copy of the data as Bytes. */
export function toBytes(data: ArrayBuffer | ArrayBufferView): Bytes {
  if (ArrayBuffer.isView(data))
    return new Uint8Array(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return new Uint8Array(new Uint8Array(data));
}

/** A standalone ArrayBuffer holding exactly these bytes (asn1 libraries want ArrayBuffer). */
export function toArrayBuffer(data: ArrayBuffer | ArrayBufferView): ArrayBuffer {
  return toBytes(data).buffer;
}

export function toPem(label: string, der: ArrayBuffer | ArrayBufferView): string {
  const b64 = Buffer.from(toBytes(der)).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export function fromPem(pem: string, label?: string): Bytes {
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;
  const match = re.exec(pem);
  if (!match || (label !== undefined && match[1] !== label)) {
    throw new Error(`No PEM block${label ? ` "${label}"` : ''} found`);
  }
  return new Uint8Array(Buffer.from((match[2] ?? '').replace(/\s+/g, ''), 'base64'));
}

export function bytesToHex(bytes: ArrayBuffer | ArrayBufferView): string {
  return Buffer.from(toBytes(bytes)).toString('hex');
}

/** Canonical serial hex: lower case, no leading zero octets (but at least one octet). */
export function normalizeSerialHex(hex: string): string {
  let clean = hex.toLowerCase().replace(/[^0-9a-f]/g, '');
  if (clean.length % 2 === 1) clean = `0${clean}`;
  while (clean.length > 2 && clean.startsWith('00')) clean = clean.slice(2);
  return clean === '' ? '00' : clean;
}

function derLength(length: number): Bytes {
  if (length < 0x80) return Uint8Array.of(length);
  const octets: number[] = [];
  for (let n = length; n > 0; n >>>= 8) octets.unshift(n & 0xff);
  return Uint8Array.of(0x80 | octets.length, ...octets);
}

export function derTlv(tag: number, content: Uint8Array): Bytes {
  return new Uint8Array(Buffer.concat([Uint8Array.of(tag), derLength(content.length), content]));
}

function derPositiveInteger(raw: Uint8Array): Bytes {
  let start = 0;
  while (start < raw.length - 1 && raw[start] === 0) start++;
  let body: Uint8Array = raw.subarray(start);
  if ((body[0] ?? 0) & 0x80) body = new Uint8Array(Buffer.concat([Uint8Array.of(0), body]));
  return derTlv(0x02, body);
}

/** WebCrypto yields ECDSA signatures as r||s; X.509, OCSP and CMS want Ecdsa-Sig-Value DER. */
export function ecdsaRawToDer(raw: Uint8Array): Bytes {
  const half = raw.length / 2;
  return derTlv(
    0x30,
    Buffer.concat([
      derPositiveInteger(raw.subarray(0, half)),
      derPositiveInteger(raw.subarray(half)),
    ]),
  );
}

export function concatBytes(parts: Uint8Array[]): Bytes {
  return new Uint8Array(Buffer.concat(parts));
}

/** DER OBJECT IDENTIFIER. */
export function oidDer(oid: string): Bytes {
  const parts = oid.split('.').map(Number);
  const arcs = [(parts[0] ?? 0) * 40 + (parts[1] ?? 0), ...parts.slice(2)];
  const bytes: number[] = [];
  for (const arc of arcs) {
    const group: number[] = [arc & 0x7f];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128))
      group.unshift((n & 0x7f) | 0x80);
    bytes.push(...group);
  }
  return derTlv(0x06, Uint8Array.from(bytes));
}

import type { HashAlgorithm } from './algorithms.js';

/** A signature policy to name in the signature-policy-identifier attribute (CAdES-EPES). */
export interface SignaturePolicy {
  oid: string;
  /** Hash of the policy document, with `hashAlgorithm`. */
  hash: Uint8Array;
  /** Default SHA-256. */
  hashAlgorithm?: HashAlgorithm;
  /** Where the policy document is published (SPuri qualifier). */
  uri?: string;
}

export type TurkishProfile = 'P2' | 'P3' | 'P4';

/**
 * Policy OIDs of the Turkish "Elektronik İmza Kullanım Profilleri" (BTK guide). P1 is plain
 * CAdES-BES and names no policy. The values are those of TÜBİTAK's MA3 API
 * (TurkishESigProfile.P2_1/P3_1/P4_1) as found in its public sources; all three profiles
 * share one policy document.
 */
export const TURKISH_PROFILE_OIDS: Readonly<Record<TurkishProfile, string>> = {
  P2: '2.16.792.1.61.0.1.5070.3.1.1',
  P3: '2.16.792.1.61.0.1.5070.3.2.1',
  P4: '2.16.792.1.61.0.1.5070.3.3.1',
};

/**
 * The profile guide document and its hashes, as MA3's EImzaProfilleriDocInfo carries them.
 * Not recomputed here: this machine cannot fetch the document. Check them against the
 * published PDF before relying on them in production.
 */
export const TURKISH_PROFILE_DOCUMENT = {
  uri: 'http://www.eimza.gov.tr/EimzaPolitikalari/216792161015070321.pdf',
  hashes: {
    'SHA-256': 'ff39bd29463383f69b2052ac47439e06ce7c3b8646e888b6e5ae3e46ba08117a',
    'SHA-384':
      'e7503cf83d21eb179c3a89fde8bf2216e5f4f24c9da9752d8fe86c8a8b71d4bd58a1ef426b8b0071b8c1d0754c71a810',
    'SHA-512':
      'af925eee76562989cd5da4000da2c35f3d9e95bc6604bb13fe3924a6e223914756bf54fce4ccfd2617de906ea135b9474ccb1da83f8468c2db18341ec7552ede',
  } satisfies Record<HashAlgorithm, string>,
} as const;

/** The signature policy of a Turkish profile, ready for `signCades({ policy })`. */
export function turkishProfilePolicy(
  profile: TurkishProfile,
  hashAlgorithm: HashAlgorithm = 'SHA-256',
): SignaturePolicy {
  return {
    oid: TURKISH_PROFILE_OIDS[profile],
    hash: new Uint8Array(Buffer.from(TURKISH_PROFILE_DOCUMENT.hashes[hashAlgorithm], 'hex')),
    hashAlgorithm,
    uri: TURKISH_PROFILE_DOCUMENT.uri,
  };
}

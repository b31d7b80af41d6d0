/** Object identifiers used by the test authority. */
export const OID = {
  /** Test NES (qualified e-signature) certificate policy of the test Kamu SM. */
  nesPolicy: '2.16.792.1.2.1.1.5.7.1.1',
  /** Policy under which the test TSA issues time stamps. */
  tsaPolicy: '2.16.792.1.2.1.1.5.7.3.1',
  anyPolicy: '2.5.29.32.0',
  qcStatements: '1.3.6.1.5.5.7.1.3',
  qcCompliance: '0.4.0.1862.1.1',
  ocspNoCheck: '1.3.6.1.5.5.7.48.1.5',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  crlNumber: '2.5.29.20',
  ocspBasic: '1.3.6.1.5.5.7.48.1.1',
  ocspNonce: '1.3.6.1.5.5.7.48.1.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  serialNumberAttribute: '2.5.4.5',
} as const;

export { isValidTckn, tcknWithChecksum } from '@eimza/protocol';

/** Valid test numbers used across the project's tests and demo tokens. */
export const TEST_TCKNS = ['10000000146', '12345678950', '98765432150'] as const;

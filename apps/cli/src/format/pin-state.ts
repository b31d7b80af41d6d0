export { pinStatus, type PinStatus } from '@eimza/diagnostics';

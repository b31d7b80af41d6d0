export { buildApp, type BuildAppOptions } from './app.js';
export type { AppContext } from './context.js';
export {
  loadConfig,
  ConfigError,
  type ApiConfig,
  type DatabaseConfig,
  type RevocationMode,
} from './plugins/config.js';
export { InProcessHub, type SessionEventHub } from './plugins/sse-hub.js';
export { PgNotifyHub, SESSION_CHANNEL } from './plugins/pg-hub.js';
export type { SignatureValidator, ValidationInput } from './domain/validator.js';
export { cadesValidator, createValidator, loadTrustStore } from './validation.js';
export { openDatabase } from './storage/database.js';
export {
  Store,
  CodeCollisionError,
  type StoredSession,
  type Decision,
  type EvidenceRow,
} from './storage/store.js';

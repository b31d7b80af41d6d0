import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './plugins/config.js';
import { createValidator } from './validation.js';

const SHUTDOWN_DEADLINE_MS = 15_000;

/** Listens, and on SIGTERM/SIGINT stops accepting, finishes in-flight requests, ends SSE streams, closes the database. */
async function main(): Promise<void> {
  const config = loadConfig();
  const validator = createValidator(config);
  const app = await buildApp({ config, log: true, ...(validator ? { validator } : {}) });
  if (!validator) app.log.warn('EIMZA_TRUST_ANCHORS is not set: signature validation answers 503');

  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    // A client that keeps a connection busy must not keep the process alive for ever.
    setTimeout(() => {
      app.log.error('shutdown took too long; closing every connection');
      app.server.closeAllConnections();
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  await app.listen({ port: config.port, host: config.host });
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError
      ? error.message
      : error instanceof Error
        ? error.stack
        : String(error);
  process.stderr.write(`eimza api: ${message}\n`);
  process.exit(1);
});

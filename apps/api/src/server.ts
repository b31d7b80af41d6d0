import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './plugins/config.js';
import { startDemoPki } from './plugins/demo-pki.js';
import { createValidator } from './validation.js';

const SHUTDOWN_DEADLINE_MS = 15_000;

/** Listens, and on SIGTERM/SIGINT stops accepting, finishes in-flight requests, ends SSE streams, closes the database. */
async function main(): Promise<void> {
  const config = loadConfig();
  // Without EIMZA_TRUST_ANCHORS the API trusts the project's own test PKI and serves its OCSP/CRL/TSA.
  const demo = await startDemoPki(config);
  const validator = demo?.validator ?? createValidator(config);
  const app = await buildApp({ config, log: true, ...(validator ? { validator } : {}) });
  if (demo) {
    app.log.warn(
      { testPki: demo.dir, services: demo.servicesUrl },
      'TEST-PKI MODE: EIMZA_TRUST_ANCHORS is not set, so only the test PKI is trusted (never use this in production)',
    );
  }

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
    app
      .close()
      .then(() => demo?.close())
      .then(
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

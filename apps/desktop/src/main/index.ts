/**
 * The Electron main process: window, security policy, IPC registration, deep links and updates. The
 * only code that imports 'electron'; the work itself lives in ../services (plain Node modules).
 */
import { BrowserWindow, Menu, app, dialog, ipcMain, protocol, session } from 'electron';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { stateDir } from '@eimza/state';
import { createDesktopServices, findDeepLink, isTrustedSender } from '../services/index.js';
import { EVENT_CHANNEL, type AppEvent, type Channel } from '../shared/ipc.js';
import { EventQueue } from './event-queue.js';
import { guardHandler, type ChannelHandler } from './ipc-guard.js';
import { menuTemplate } from './menu.js';
import { APP_HOST, APP_SCHEME, RENDERER_URL, createRendererHandler } from './renderer-protocol.js';
import { publishConfigHasFeed, updateFeed } from './update-feed.js';

type DesktopServices = Awaited<ReturnType<typeof createDesktopServices>>;

// The bundle is dist/main/index.cjs; preload and renderer are built beside it.
const DIST = join(__dirname, '..');
const PRELOAD = join(DIST, 'preload', 'index.cjs');
const RENDERER_ROOT = join(DIST, 'renderer');
const BUNDLED_CARDS = join(DIST, 'resources', 'cards.json');

const env: NodeJS.ProcessEnv = {
  ...process.env,
  ...(!process.env.EIMZA_CARDS_JSON && existsSync(BUNDLED_CARDS)
    ? { EIMZA_CARDS_JSON: BUNDLED_CARDS }
    : {}),
};

// One Electron profile per state folder: the single-instance lock is per profile, so a test or
// `npm start` with its own EIMZA_STATE_DIR never hands its links to another running copy.
app.setPath('userData', join(stateDir(env), 'electron'));

const log: Logger = pino(
  { name: 'eimza-desktop-main', level: env.LOG_LEVEL ?? 'info' },
  pino.destination({
    dest: join(stateDir(env), 'logs', 'desktop-main.log'),
    mkdir: true,
    sync: false,
  }),
);

// The renderer's Vite build is ES modules loaded with `crossorigin`: module loading from a custom
// scheme needs the fetch and CORS privileges. Never bypassCSP.
protocol.registerSchemesAsPrivileged([
  {
    scheme: APP_SCHEME,
    privileges: {
      standard: true,
      secure: true,
      supportFetchAPI: true,
      corsEnabled: true,
      codeCache: true,
    },
  },
]);

const events = new EventQueue();
const links: string[] = [];
let services: DesktopServices | undefined;
let mainWindow: BrowserWindow | undefined;

function handleLink(url: string): void {
  if (services) services.openDeepLink(url);
  else links.push(url);
  if (mainWindow) {
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  }
}

if (!app.requestSingleInstanceLock()) {
  // Another window is open: it received our argv (and its eimza:// link) through 'second-instance'.
  app.quit();
} else {
  const firstLink = findDeepLink(process.argv);
  if (firstLink) links.push(firstLink);

  app.on('second-instance', (_event, argv) => {
    const link = findDeepLink(argv);
    if (link) handleLink(link);
    else if (mainWindow) mainWindow.focus();
  });
  // macOS delivers links as an event, possibly before 'ready'.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    handleLink(url);
  });

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (navigation) => navigation.preventDefault());
    contents.on('will-redirect', (navigation) => navigation.preventDefault());
    contents.on('will-attach-webview', (attach) => attach.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  app.on('window-all-closed', () => app.quit());

  let closing = false;
  app.on('will-quit', (event) => {
    if (closing || !services) return;
    event.preventDefault();
    closing = true;
    services
      .close()
      .catch((error: unknown) =>
        log.error({ error: messageOf(error) }, 'closing the services failed'),
      )
      .finally(() => app.quit());
  });

  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      log.fatal({ error: messageOf(error) }, 'the app could not start');
      dialog.showErrorBox('eimza', `eimza could not start: ${messageOf(error)}`);
      app.exit(1);
    });
}

async function start(): Promise<void> {
  // Packaged builds only: in development the bare Electron binary would become the eimza:// handler.
  if (app.isPackaged) app.setAsDefaultProtocolClient('eimza');
  lockDownSession();
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(process.platform)));

  services = await createDesktopServices({ env, emit: (event: AppEvent) => events.push(event) });
  registerIpc(services);
  for (const link of links.splice(0)) services.openDeepLink(link);

  mainWindow = createWindow();
  startAutoUpdate();
}

function lockDownSession(): void {
  const ses = session.defaultSession;
  ses.protocol.handle(APP_SCHEME, createRendererHandler(RENDERER_ROOT));
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  // No remote content: the renderer talks to the main process only; the API is called from here.
  ses.webRequest.onBeforeRequest(
    { urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*', 'ftp://*/*'] },
    (_details, callback) => callback({ cancel: true }),
  );
}

function registerIpc(ready: DesktopServices): void {
  const trusted = (frameUrl: string): boolean =>
    isTrustedSender(frameUrl, { scheme: APP_SCHEME, host: APP_HOST });
  for (const [channel, handler] of Object.entries(ready.handlers) as [Channel, ChannelHandler][]) {
    ipcMain.handle(channel, guardHandler(handler, trusted));
  }
}

function createWindow(): BrowserWindow {
  // The options stay literal here so that static checkers (electronegativity) see them. The
  // renderer gets no Node, no Electron and no way out of its sandbox: only `window.eimza`.
  const window = new BrowserWindow({
    width: 1024,
    height: 760,
    minWidth: 720,
    minHeight: 560,
    title: 'eimza',
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      // Middle-click would open links in a new window.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  const contents = window.webContents;
  contents.on('did-start-loading', () => events.close());
  contents.on('did-finish-load', () =>
    events.open((event) => {
      if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, event);
    }),
  );
  contents.on('render-process-gone', (_event, details) => {
    events.close();
    log.error({ reason: details.reason }, 'the renderer stopped');
  });
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    events.close();
    mainWindow = undefined;
  });
  void window.loadURL(RENDERER_URL);
  return window;
}

function startAutoUpdate(): void {
  const config = join(process.resourcesPath, 'app-update.yml');
  const feed = updateFeed(
    process.env,
    app.isPackaged,
    publishConfigHasFeed(existsSync(config) ? readFileSync(config, 'utf8') : undefined),
  );
  if (!feed.enabled) {
    log.info({ reason: feed.reason }, 'auto-update off');
    return;
  }
  import('electron-updater')
    .then(({ autoUpdater }) => {
      autoUpdater.logger = null;
      if (feed.url) autoUpdater.setFeedURL({ provider: 'generic', url: feed.url });
      autoUpdater.on('error', (error: Error) =>
        log.warn({ error: error.message }, 'auto-update failed'),
      );
      return autoUpdater.checkForUpdatesAndNotify();
    })
    .catch((error: unknown) => log.warn({ error: messageOf(error) }, 'auto-update failed'));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

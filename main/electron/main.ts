/**
 * The Electron shell, and the only code that imports 'electron' besides the preload. It creates
 * the window, serves the renderer over app://, locks the window down, wires IPC to the host, and
 * stops the host (and its nats-server) on quit. Everything else is the same host `serve` runs.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, ipcMain, net, protocol, safeStorage, session, dialog } from 'electron';
import { appRoot, appVersion, rendererDir } from '../app-paths.js';
import { contentSecurityPolicy } from '../bridge/csp.js';
import { attachIpcBridge, originOf } from '../bridge/ipc.js';
import { createRpcDispatcher } from '../bridge/rpc.js';
import { natsChoiceFromFlags, natsFlagSpecs } from '../commands/nats-flags.js';
import { startHost, type Host } from '../host/host.js';
import { fileFromArgv } from '../host/open-request.js';

const APP_ORIGIN = 'app://switchboard';
/** Set by `npm run dev`: load the renderer from Vite's dev server instead of the packaged files. */
const devServerUrl = app.isPackaged ? undefined : process.env['VITE_DEV_SERVER_URL'];

// app:// behaves like https for the renderer: ES modules, workers, fetch and storage all work.
protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);

// One app per user: a second launch focuses the first (see 'second-instance') and starts nothing.
const primary = app.requestSingleInstanceLock();
if (!primary) app.quit();

let host: Host | null = null;

/** Leading argv entries that are not arguments: the executable, and `.` under `electron .`. */
const ARGV_SKIP = app.isPackaged ? 1 : 2;
/** A file asked for before the host is up (the launch's own argument, macOS's early open-file). */
let pendingOpen = fileFromArgv(process.argv, { skip: ARGV_SKIP, cwd: process.cwd(), flags: natsFlagSpecs });
const openRequested = (file: string) => {
  if (host) host.requestOpen(file);
  else pendingOpen = file;
};

// macOS hands files over by event, also before 'ready' when the double-click launched us.
app.on('open-file', (event, file) => {
  event.preventDefault();
  openRequested(file);
});

app.on('web-contents-created', (_event, contents) => {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (!isOwnOrigin(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isOwnOrigin(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

app.on('second-instance', (_event, argv, workingDirectory) => {
  // A double-click while we run: the second launch's file comes here, relative to its directory.
  const file = fileFromArgv(argv, { skip: ARGV_SKIP, cwd: workingDirectory, flags: natsFlagSpecs });
  if (file) openRequested(file);
  const [window] = BrowserWindow.getAllWindows();
  if (window?.isMinimized()) window.restore();
  window?.focus();
});

app.on('window-all-closed', () => app.quit());

// Stop the host (and with it the nats-server) before quitting: never leave an orphan process.
let quitting = false;
app.on('before-quit', (event) => {
  if (quitting || !host) return;
  event.preventDefault();
  quitting = true;
  void host.stop().finally(() => app.quit());
});

void app.whenReady().then(async () => {
  if (!primary) return; // quitting: never start a second host on the same data directory
  lockDownSession();
  serveRendererOverAppProtocol();
  try {
    host = await startHost({
      shell: 'electron',
      appVersion,
      appRoot,
      dataDir: app.getPath('userData'),
      ...(app.isPackaged && { resourcesPath: process.resourcesPath }),
      osCipher: safeStorage,
      nats: natsChoiceFromFlags(parseShellArgs()),
    });
  } catch (error) {
    dialog.showErrorBox('Switchboard could not start its NATS server', error instanceof Error ? error.message : String(error));
    app.exit(1);
    return;
  }
  attachIpcBridge({
    ipcMain,
    dispatch: createRpcDispatcher(host.handlers, { validateOutputs: !app.isPackaged }),
    events: host.events,
    trustedOrigins: [APP_ORIGIN, ...(devServerUrl ? [originOf(devServerUrl)] : [])],
  });
  // Kept by the host until the page takes it when it loads.
  if (pendingOpen) host.requestOpen(pendingOpen);
  pendingOpen = null;
  createWindow();
});

function createWindow(): void {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    title: 'Switchboard',
    backgroundColor: '#0f1115',
    show: false,
    webPreferences: {
      // electronegativity: PRELOAD_JS_CHECK — reviewed: our own sandboxed preload exposes only call/on over IPC; the host validates every call against the contract
      preload: path.join(appRoot, 'dist', 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
      // Middle-click can open links outside the navigation handlers (Electronegativity AUXCLICK_JS_CHECK).
      disableBlinkFeatures: 'Auxclick',
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
}

/** Denies every permission (camera, notifications, …) but writing the clipboard from our own page (Copy), and adds the CSP in dev. */
function lockDownSession(): void {
  const allowed = (permission: string, origin: string | undefined) => permission === 'clipboard-sanitized-write' && origin !== undefined && isOwnOrigin(origin);
  session.defaultSession.setPermissionRequestHandler((contents, permission, callback) => callback(allowed(permission, contents.getURL())));
  session.defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin) => allowed(permission, requestingOrigin));
  if (devServerUrl) {
    // Vite's dev server sends no CSP; add the same policy, plus its origin for hot reload sockets.
    const origin = new URL(devServerUrl);
    const policy = contentSecurityPolicy([`ws://${origin.host}`]);
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [policy] } });
    });
  }
}

/** Serves dist/renderer at app://switchboard/ with the CSP; nothing outside that folder. */
function serveRendererOverAppProtocol(): void {
  const root = path.resolve(rendererDir);
  const csp = contentSecurityPolicy();
  protocol.handle('app', async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'switchboard') return new Response('Not found', { status: 404 });
    const file = path.resolve(root, `.${decodeURIComponent(url.pathname)}`);
    if (!file.startsWith(root + path.sep)) return new Response('Forbidden', { status: 403 });
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', csp);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
}

function isOwnOrigin(url: string): boolean {
  try {
    const origin = originOf(url);
    return origin === APP_ORIGIN || (devServerUrl !== undefined && origin === originOf(devServerUrl));
  } catch {
    return false;
  }
}

/** The shell takes the same --nats flags as the CLI; Electron's own switches are ignored. */
function parseShellArgs() {
  const { values } = parseArgs({ args: process.argv.slice(ARGV_SKIP), options: natsFlagSpecs, strict: false });
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    nats: text(values.nats),
    creds: text(values.creds),
    'tls-ca': text(values['tls-ca']),
    'tls-cert': text(values['tls-cert']),
    'tls-key': text(values['tls-key']),
  };
}

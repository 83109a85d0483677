/** `switchboard serve`: the host plus the renderer over HTTP on 127.0.0.1 (browser mode). */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { appRoot, appVersion, rendererDir } from '../app-paths.js';
import { startBrowserServer } from '../bridge/browser-server.js';
import { startHost } from '../host/host.js';
import { readableFile } from '../host/open-request.js';
import { defaultDataDir } from '../host/paths.js';
import { portNumber, UsageError } from './flags.js';
import { natsChoiceFromFlags, natsFlagHelp, natsFlagSpecs } from './nats-flags.js';
import { stopSignals } from './signals.js';

const serveHelp = `Usage: switchboard serve [options] [FILE]

Starts the workbench host (with its embedded nats-server unless --nats is given) and serves the
UI on 127.0.0.1. Open the printed URL in a browser; it carries this launch's access token.
With FILE (a topology, or a recorded trace), the page opens it.

Options:
  --port N            HTTP port (default: a free one)
${natsFlagHelp}
  --data-dir DIR      where the server's JetStream store and state live (default: ${defaultDataDir()})
  --allow-origin URL  another origin allowed to use the API (the Vite dev server in npm run dev)
  --token TOKEN       use this access token instead of a random one
  -h, --help          show this help

Exit codes: 0 stopped, 2 usage error or unreadable file, 4 NATS unavailable (the same codes as run).`;

/** Runs `serve` until SIGINT/SIGTERM; failures are thrown as RunFailures (exit codes in run-session-failure.ts). */
export async function serve(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'allow-origin': { type: 'string', multiple: true },
      token: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      ...natsFlagSpecs,
    },
    strict: true,
  });
  if (values.help) {
    console.log(serveHelp);
    return 0;
  }
  // The flags `run` shares first, in the same order, so both commands answer a bad one alike.
  const nats = natsChoiceFromFlags(values);
  const port = portNumber(values.port, '--port') ?? 0;
  if (positionals.length > 1) throw new UsageError(`one FILE at most (got ${positionals.length}).`);
  // Checked before anything starts: a mistyped name is said at once, not after the server is up.
  const file = positionals[0] === undefined ? null : await readableFile(positionals[0]);

  // Listen for signals before doing anything: a SIGTERM that arrives while starting (or the
  // instant after the URL is printed) must still shut down cleanly, not kill us mid-way.
  const stopRequested = stopSignals((text) => console.error(text));
  const host = await startHost({
    shell: 'browser',
    appVersion,
    appRoot,
    dataDir: path.resolve(values['data-dir'] ?? defaultDataDir()),
    nats,
  });
  let server;
  try {
    server = await startBrowserServer({
      host,
      rendererDir,
      port,
      ...(values['allow-origin'] && { extraOrigins: values['allow-origin'] }),
      ...(values.token && { token: values.token }),
    });
  } catch (error) {
    await host.stop();
    throw error;
  }
  const status = host.server.status();
  console.log(`NATS: ${status.mode} server ${status.version ?? ''} at ${status.clientUrl ?? 'unknown'}`);
  if (file) host.requestOpen(file);
  console.log(`Switchboard is ready. Open: ${server.url}`);

  const signal = await stopRequested.promise;
  console.log(`\n${signal}: stopping…`);
  await server.close();
  await host.stop();
  return 0;
}

// A model key never lands on disk or in output. One topology, two agents: envbot's key comes from
// the environment, storebot's from the host's secret store (the desktop app's, encrypted by the OS
// keychain; here a test cipher in its place). Both run against a fake OpenAI server on 127.0.0.1
// that checks the key arrived (so the key was really used) and, asked to fail, answers 401 echoing
// the key back as some servers do. Then every export (topology: every format, to a folder and as
// returned text; trace: NDJSON, Mermaid, OTLP), the server logs, the processes' stdout/stderr and
// every file under the data directories, the export folders and the children's TMPDIR are searched
// for both keys, as bytes: zero hits. A key planted in a scratch file deep in a data directory must
// be found, so the search itself is proven on the same tree.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { format } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHost, type Host } from '../../main/host/host.js';
import type { OsCipher } from '../../main/host/secrets.js';
import type { CallName } from '../../preload/contract.js';
import { connectBridge } from '../helpers/bridge-client.js';
import { runCli, startServe, type ServeProcess } from '../helpers/cli.js';
import { httpError, openAiTextStream, OPENAI_PATH, startFakeLlmServer, type FakeLlmServer, type RecordedRequest } from '../helpers/fake-llm-server.js';
import { repoRoot } from '../helpers/nats-binary.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

const ENV_NAME = 'SB_SECRETS_TEST_ENV_KEY';
const STORE_NAME = 'SB_SECRETS_TEST_STORE_KEY';
// Distinctive and random: a hit can only be a leak.
const ENV_KEY = `sk-sbenv-${randomBytes(24).toString('hex')}`;
const STORE_KEY = `sk-sbstore-${randomBytes(24).toString('hex')}`;
const KEYS = [ENV_KEY, STORE_KEY];
const FAIL = 'please fail';

const topology = (baseUrl: string) => `apiVersion: switchboard.dev/v1
kind: Topology
metadata:
  name: secrets-check
spec:
  profile: seed-000
  llms:
    fromEnv:
      provider: openai
      model: fake-gpt
      baseUrl: ${baseUrl}
      apiKeyEnv: ${ENV_NAME}
      timeoutMs: 10000
    fromStore:
      provider: openai
      model: fake-gpt
      baseUrl: ${baseUrl}
      apiKeyEnv: ${STORE_NAME}
      timeoutMs: 10000
  agents:
    - name: envbot
      description: Answers with the key from the environment
      role: assistant
      llm: fromEnv
      prompt: You are {{agent_name}}.
    - name: storebot
      description: Answers with the key from the secret store
      role: assistant
      llm: fromStore
      prompt: You are {{agent_name}}.
`;

/** Stands in for Electron's safeStorage: AES-256-GCM under a key that lives only in memory. */
function testCipher(): OsCipher {
  const key = randomBytes(32);
  return {
    isEncryptionAvailable: () => true,
    encryptString: (plain) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decryptString: (data) => {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

/** The fake model: answers, or on FAIL a 401 whose message carries the bearer it was sent. */
function answer(request: RecordedRequest) {
  const auth = String(request.headers.authorization ?? '');
  if (JSON.stringify(request.body).includes(FAIL)) return httpError(401, `Incorrect API key provided: ${auth.replace(/^Bearer /, '')}`, OPENAI_PATH);
  return openAiTextStream(['All ', 'good.']);
}

/** Every file under `dir`, recursively (symlinks not followed). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** Where each key occurs in the files under `dirs` and in the named texts, as `place: key-name` lines. */
async function findKeys(dirs: readonly string[], texts: ReadonlyMap<string, string>): Promise<{ hits: string[]; files: number }> {
  const hits: string[] = [];
  const check = (place: string, bytes: Buffer) => {
    for (const key of KEYS) if (bytes.includes(key)) hits.push(`${place}: ${key === ENV_KEY ? ENV_NAME : STORE_NAME}`);
  };
  let files = 0;
  for (const dir of dirs) {
    for (const file of await filesUnder(dir)) {
      files++;
      check(file, await readFile(file));
    }
  }
  for (const [place, text] of texts) check(place, Buffer.from(text));
  return { hits, files };
}

describe('secrets stay secret', () => {
  let work: string;
  let llm: FakeLlmServer;
  let text: string;
  const texts = new Map<string, string>();
  const dirs: string[] = [];
  const bearers = () => llm.requests.map((r) => String(r.headers.authorization ?? ''));

  beforeAll(async () => {
    work = await makeTempDir('secrets');
    llm = await startFakeLlmServer({ respond: answer });
    text = topology(`${llm.url}/v1`);
    await writeFile(path.join(work, 'secrets-check.yaml'), text);
  });
  afterAll(async () => {
    await llm?.close();
    if (work) await removeTempDir(work);
  });

  /** A fresh folder under the work dir, searched at the end. */
  const folder = async (name: string) => {
    const dir = path.join(work, name);
    await mkdir(dir, { recursive: true });
    dirs.push(dir);
    return dir;
  };

  it('browser mode: the key from the environment is used, and no export, trace, log or file holds it', async () => {
    const dataDir = await folder('serve-data');
    const tmp = await folder('serve-tmp');
    const out = await folder('serve-out');
    let serve: ServeProcess | undefined;
    try {
      serve = await startServe(['--data-dir', dataDir], 20_000, { ...process.env, [ENV_NAME]: ENV_KEY, TMPDIR: tmp });
      const bridge = await connectBridge(serve.url);
      try {
        await bridge.call('run.start', { text, fileName: 'secrets-check.yaml' });
        const reply = await bridge.call('run.send', { to: 'envbot', input: 'hello' });
        expect(reply.content).toBe('All good.');
        expect(bearers()).toContain(`Bearer ${ENV_KEY}`);
        const failed = await bridge.call('run.send', { to: 'envbot', input: FAIL }).then(
          (r) => JSON.stringify(r),
          (error: unknown) => String(error),
        );
        texts.set('serve: failed reply', failed);
        await bridge.call('run.stop');
        await exportEverything((method, input) => bridge.call(method as CallName, input as never), out, texts, 'serve');
        texts.set('serve: server.getLogs', JSON.stringify(await bridge.call('server.getLogs', { limit: 5000 })));
        texts.set('serve: secrets.list', JSON.stringify(await bridge.call('secrets.list', { wanted: [ENV_NAME, STORE_NAME] })));
      } finally {
        bridge.close();
      }
    } finally {
      await serve?.stop();
      if (serve) texts.set('serve: stdout+stderr', serve.output());
    }
  }, 90_000);

  it('the secret store: the key set in the app is used, kept only encrypted, and found nowhere', async () => {
    const dataDir = await folder('host-data');
    const out = await folder('host-out');
    // The host runs in this process: everything it prints goes through console or process stdio.
    let printed = '';
    const spies = [
      ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
        vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void (printed += `${format(...args)}\n`)),
      ),
      ...[process.stdout, process.stderr].map((stream) =>
        vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => ((printed += String(chunk)), true)),
      ),
    ];
    let host: Host | undefined;
    try {
      host = await startHost({ shell: 'electron', appVersion: '0.0.0-test', appRoot: repoRoot, dataDir, nats: { mode: 'embedded' }, osCipher: testCipher() });
      const call = host.handlers;
      expect(process.env[STORE_NAME]).toBeUndefined(); // only the store can have it
      await call['secrets.set']({ name: STORE_NAME, value: STORE_KEY });
      texts.set('host: secrets.list', JSON.stringify(await call['secrets.list']({ wanted: [ENV_NAME, STORE_NAME] })));
      await call['run.start']({ text, fileName: 'secrets-check.yaml' });
      const reply = await call['run.send']({ to: 'storebot', input: 'hello' });
      expect(reply.content).toBe('All good.');
      expect(bearers()).toContain(`Bearer ${STORE_KEY}`);
      texts.set('host: failed reply', await call['run.send']({ to: 'storebot', input: FAIL }).then((r) => JSON.stringify(r), (error: unknown) => String(error)));
      await call['run.stop'](undefined);
      const handlers = call as unknown as Record<string, (input: unknown) => Promise<unknown>>;
      await exportEverything((method, input) => handlers[method]!(input), out, texts, 'host');
      texts.set('host: server.getLogs', JSON.stringify(await call['server.getLogs']({ limit: 5000 })));
    } finally {
      await host?.stop();
      for (const spy of spies) spy.mockRestore();
      texts.set('host: console and stdio', printed);
    }
    // The store's file exists and holds the secret only encrypted.
    expect((await filesUnder(dataDir)).map((f) => path.basename(f))).toContain('secrets.enc.json');
  }, 90_000);

  it('the CLI: run with the key in the environment, every export and trace format, and no hit', async () => {
    const tmp = await folder('cli-tmp');
    const out = await folder('cli-out');
    const env = { ...process.env, [ENV_NAME]: ENV_KEY, TMPDIR: tmp };
    const file = path.join(work, 'secrets-check.yaml');
    const trace = path.join(out, 'run.ndjson');
    const cli = async (args: string[]) => {
      const outcome = await runCli(args, { env, cwd: work, timeoutMs: 60_000 });
      texts.set(`cli ${args.join(' ')}`, `${outcome.stdout}\n${outcome.stderr}`);
      return outcome;
    };
    const before = bearers().length;
    expect((await cli(['run', file, '--to', 'envbot', '--input', 'hello', '--trace', trace])).stdout).toContain('All good.');
    expect(bearers().slice(before)).toContain(`Bearer ${ENV_KEY}`);
    expect((await cli(['run', file, '--to', 'envbot', '--input', FAIL, '--trace', path.join(out, 'failed.ndjson')])).code).toBe(3);
    for (const fmt of ['yaml', 'json', 'mermaid']) expect((await cli(['export', file, '-f', fmt])).code).toBe(0);
    expect((await cli(['export', file, '-f', 'nats-conf', '-o', path.join(out, 'nats', 'nats.conf')])).code).toBe(0);
    expect((await cli(['export', file, '-f', 'compose', '-o', path.join(out, 'compose')])).code).toBe(0);
    for (const fmt of ['summary', 'mermaid', 'otlp']) {
      expect((await cli(['trace', trace, '-f', fmt, '-o', path.join(out, `trace.${fmt}`)])).code).toBe(0);
      expect((await cli(['trace', path.join(out, 'failed.ndjson'), '-f', fmt])).code).toBe(0);
    }
  }, 120_000);

  it('finds neither key anywhere, and would find one planted deep in a data directory', async () => {
    const before = await findKeys(dirs, texts);
    // What was searched is what the runs made: traces, exports, the store, the server's state.
    expect(before.files).toBeGreaterThan(20);
    for (const expected of ['serve: stdout+stderr', 'host: console and stdio', 'serve: failed reply', 'host: failed reply']) expect(texts.has(expected)).toBe(true);
    expect(texts.get('serve: failed reply')).toContain('401');
    expect(before.hits).toEqual([]);

    const planted = path.join(dirs[0]!, 'deep', 'er', 'planted.bin');
    await mkdir(path.dirname(planted), { recursive: true });
    await writeFile(planted, Buffer.concat([randomBytes(64), Buffer.from(STORE_KEY), randomBytes(64)]));
    texts.set('planted text', `x${ENV_KEY}x`);
    expect((await findKeys(dirs, texts)).hits).toEqual([`${planted}: ${STORE_NAME}`, `planted text: ${ENV_NAME}`]);
  });
});

type Call = (method: string, input?: unknown) => Promise<unknown>;

/** Exports the topology in every format (to a folder and as returned text) and the last run's trace in every format (to a file and as text). */
async function exportEverything(call: Call, out: string, texts: Map<string, string>, label: string): Promise<void> {
  const text = await readFile(path.join(out, '..', 'secrets-check.yaml'), 'utf8');
  for (const format of ['yaml', 'json', 'nats-conf', 'compose', 'mermaid']) {
    texts.set(`${label}: topology.export ${format}`, JSON.stringify(await call('topology.export', { text, format })));
    await call('topology.export', { text, format, dir: path.join(out, `topology-${format}`) });
  }
  const { runs } = (await call('trace.listRuns')) as { runs: { runId: string }[] };
  expect(runs.length).toBeGreaterThan(0);
  for (const { runId } of runs) {
    for (const format of ['ndjson', 'mermaid', 'otlp']) {
      texts.set(`${label}: trace.export ${runId} ${format}`, JSON.stringify(await call('trace.export', { runId, format })));
      await call('trace.export', { runId, format, path: path.join(out, `${runId}.${format}`) });
    }
  }
}

// The layer rules of eslint.config.js, proven on snippets placed at real layer paths: a pattern
// that silently matches nothing (as `**/contract` did for `./contract.js`) fails here, not in review.
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: repoRoot }); // the repository's own eslint.config.js, wherever vitest runs from
});

const IMPORT_RULES = new Set(['no-restricted-imports', '@typescript-eslint/no-restricted-imports']);

/** The layer-rule messages ESLint gives `code` as if it were the file at `filePath`. */
async function importProblems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  if (!result) throw new Error(`ESLint returned no result for ${filePath}`);
  const fatal = result.messages.find((m) => m.fatal);
  if (fatal) throw new Error(`${filePath}: ${fatal.message}`); // a snippet that does not parse proves nothing
  return result.messages.filter((m) => m.ruleId && IMPORT_RULES.has(m.ruleId)).map((m) => m.message);
}

// Each snippet uses what it imports, so only the layer rules can object.
const valueImport = (from: string) => `import { x } from '${from}';\nexport const y = x;\n`;
const typeImport = (from: string) => `import type { X } from '${from}';\nexport type Y = X;\n`;
const inlineTypeImport = (from: string) => `import { type X } from '${from}';\nexport type Y = X;\n`;

/** [layer file, import specifier, snippet] rows. */
type Row = [file: string, from: string, snippet: (from: string) => string];

const refused: Row[] = [
  // The preload is generic: the contract's types only, never its schemas.
  ['preload/index.ts', './contract.js', valueImport],
  ['preload/index.ts', './contract', valueImport],
  ['preload/index.ts', 'zod', valueImport],
  ['preload/index.ts', 'node:fs', valueImport],
  ['preload/index.ts', '../main/host/host.js', valueImport],
  ['preload/index.ts', '../renderer/src/app.js', valueImport],
  // The isomorphic layers run in the browser: no Node, no Electron, no UI, no host, no runtime.
  ['agents/protocol/wire.ts', 'node:fs', valueImport],
  ['agents/protocol/wire.ts', 'fs/promises', valueImport],
  ['agents/topology/schema.ts', 'path', valueImport],
  ['agents/trace/record.ts', 'electron', valueImport],
  ['agents/protocol/wire.ts', 'react', valueImport],
  ['agents/topology/schema.ts', '@nats-io/nats-core', valueImport],
  ['agents/trace/record.ts', '../runtime/agent.js', valueImport],
  ['agents/topology/export/index.ts', '../../llm/provider.js', typeImport],
  ['agents/protocol/wire.ts', '../../main/host/host.js', typeImport],
  ['preload/contract.ts', 'node:path', valueImport],
  ['preload/contract.ts', '../renderer/src/app.js', valueImport],
  // The runtime: no Electron, no UI, no host.
  ['agents/runtime/agent.ts', 'electron', valueImport],
  ['agents/runtime/agent.ts', 'react', valueImport],
  ['agents/tools/registry.ts', 'zustand', valueImport],
  ['agents/llm/provider.ts', '../../main/host/host.js', valueImport],
  // The host is plain Node: Electron stays in main/electron/; nothing imports the renderer or the preload.
  ['main/host/host.ts', 'electron', valueImport],
  ['main/bridge/ipc.ts', 'electron', typeImport],
  ['main/host/host.ts', 'react', valueImport],
  ['main/host/host.ts', '../../renderer/src/app.js', valueImport],
  ['main/cli.ts', '../preload/index.js', valueImport],
  ['main/electron/main.ts', '../../renderer/src/app.js', valueImport],
  // The renderer: browser code, the host only through the contract.
  ['renderer/src/app.tsx', 'node:fs', valueImport],
  ['renderer/src/app.tsx', 'electron', valueImport],
  ['renderer/src/app.tsx', '../../main/host/host.js', valueImport],
  ['renderer/src/app.tsx', '../../agents/runtime/agent.js', valueImport],
  ['renderer/src/app.tsx', '@nats-io/nats-core', valueImport],
  ['renderer/src/app.tsx', '../../preload/index.js', valueImport],
];

const allowed: Row[] = [
  ['preload/index.ts', './contract.js', typeImport],
  ['preload/index.ts', './contract.js', inlineTypeImport],
  ['preload/index.ts', './ipc-channels.js', valueImport],
  ['preload/index.ts', 'electron', valueImport],
  ['agents/protocol/wire.ts', 'zod', valueImport],
  ['agents/topology/export/index.ts', '../../protocol/subjects.js', valueImport],
  ['preload/contract.ts', '../agents/trace/query.js', valueImport],
  ['agents/runtime/agent.ts', 'node:fs', valueImport],
  ['agents/runtime/agent.ts', '@nats-io/nats-core', valueImport],
  ['main/host/host.ts', 'node:fs', valueImport],
  ['main/host/host.ts', '../../preload/contract.js', valueImport],
  ['main/host/host.ts', '../../agents/runtime/agent.js', valueImport],
  ['main/electron/main.ts', 'electron', valueImport],
  ['renderer/src/app.tsx', '../../preload/contract.js', valueImport],
  ['renderer/src/app.tsx', '../../agents/topology/schema.js', valueImport],
  ['renderer/src/app.tsx', 'react', valueImport],
];

describe('the layer gates (eslint.config.js)', () => {
  it.each(refused)('%s may not import %s', async (file, from, snippet) => {
    expect(await importProblems(file, snippet(from))).not.toEqual([]);
  }, 30_000); // the first one starts ESLint (~2 s on a loaded 2-core machine, too close to the default 5 s)

  it.each(allowed)('%s may import %s', async (file, from, snippet) => {
    expect(await importProblems(file, snippet(from))).toEqual([]);
  }, 30_000);
});

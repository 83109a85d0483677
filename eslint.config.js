// Flat config. The layer rules of ../shared/ARCHITECTURE.md ("What may import what") are enforced
// here with no-restricted-imports, on top of one tsconfig per layer (scripts/typecheck.mjs).
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const restrict = (...groups) => [
  'error',
  {
    paths: groups.flatMap((g) => g.paths ?? []),
    patterns: groups.map(({ group: names, message, allowTypeImports }) => ({ group: names, message, ...(allowTypeImports && { allowTypeImports }) })),
  },
];
const group = (names, message) => ({ group: names, message });

// Bare built-in names must match exactly ("inspector" is also a fine name for a component file).
const NODE_MESSAGE = 'This layer runs in the browser too: no Node built-ins (ARCHITECTURE.md).';
const noNode = {
  ...group(['node:*'], NODE_MESSAGE),
  paths: builtinModules.filter((m) => !m.startsWith('_')).map((name) => ({ name, message: NODE_MESSAGE })),
};
const noElectron = group(['electron'], "Only main/electron/ and preload/index.ts may import 'electron'.");
const noReact = group(['react', 'react-dom', 'react-dom/*', '@xyflow/*', 'zustand', 'zustand/*'], 'Domain code never imports React or UI state.');
const noRenderer = group(['**/renderer/**'], 'Nothing imports the renderer.');
const noHost = group(['**/main/**', '**/main'], 'The host is reached through the contract, not imported.');
const noPreloadIndex = group(['**/preload/index*'], 'The preload script is loaded by Electron, never imported.');
const noNodeAgents = group(['**/agents/runtime/**', '**/agents/llm/**', '**/agents/tools/**', '**/agents/interop/**'], 'The renderer may use agents/protocol and agents/topology only.');
// Inside agents/ the runtime is reached as `../runtime/…`, which the renderer's patterns cannot see.
const noRuntime = group(['**/runtime/**', '**/llm/**', '**/tools/**', '**/interop/**'], 'The isomorphic layers never import the Node runtime (agents/runtime, llm, tools, interop).');
const noNats = group(['@nats-io/*', 'ws'], 'Network clients belong to the host and the runtime.');

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'resources/**', 'test/e2e/artifacts/**', 'release/**', 'test/fixtures/synadia-sdk/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  { files: ['**/*.{js,mjs}', 'main/**', 'test/**', 'scripts/**', '*.config.ts'], languageOptions: { globals: globals.node } },

  // Isomorphic: the contract and the agents' protocol and topology (the renderer imports them).
  {
    files: ['preload/contract.ts', 'preload/contract-server.ts', 'preload/ipc-channels.ts', 'agents/protocol/**', 'agents/topology/**', 'agents/trace/**'],
    rules: { 'no-restricted-imports': restrict(noNode, noElectron, noReact, noRenderer, noHost, noNats, noRuntime) },
  },
  // The agent runtime: Node and NATS, but no UI, no Electron, no host.
  {
    files: ['agents/runtime/**', 'agents/llm/**', 'agents/tools/**', 'agents/interop/**'],
    rules: { 'no-restricted-imports': restrict(noElectron, noReact, noRenderer, noHost) },
  },
  // The host: plain Node. Electron stays in main/electron/.
  {
    files: ['main/**'],
    ignores: ['main/electron/**'],
    rules: { 'no-restricted-imports': restrict(noElectron, noReact, noRenderer, noPreloadIndex) },
  },
  { files: ['main/electron/**'], rules: { 'no-restricted-imports': restrict(noReact, noRenderer, noPreloadIndex) } },
  // The preload: the contract's channel names, Electron, and the contract's types, nothing else.
  // Patterns match the specifier as written (`./contract.js`), and only typescript-eslint's version
  // of the rule can let `import type` through while refusing a value import.
  {
    files: ['preload/index.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict(noNode, noReact, noRenderer, noHost, noNats, {
        ...group(['zod', 'zod/*', '**/contract', '**/contract.js', '**/contract.ts'], 'The preload is generic: import types only (`import type`).'),
        allowTypeImports: true,
      }),
    },
  },
  // The renderer: browser code; the host only through the contract's client.
  {
    files: ['renderer/**'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': restrict(noNode, noElectron, noHost, noNats, noNodeAgents, noPreloadIndex),
    },
  },
);

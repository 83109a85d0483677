/** Reads a credentials file given with --creds: a `.creds` file (JWT + seed) or a bare nkey seed. */
import { readFile } from 'node:fs/promises';
import type { NatsConnectSettings } from './server-handle.js';

/** The settings fragment for `file`; throws naming the file when it is neither kind. */
export async function readCredentials(file: string): Promise<Pick<NatsConnectSettings, 'creds' | 'nkeySeed'>> {
  const text = (await readFile(file, 'utf8')).trim();
  if (text.includes('BEGIN NATS USER JWT')) return { creds: text };
  // What `switchboard export --format nats-conf` writes beside the config, one per agent.
  if (/^SU[A-Z2-7]{56}$/.test(text)) return { nkeySeed: text };
  throw new Error(`${file} is neither a .creds file nor an nkey seed (SU…).`);
}

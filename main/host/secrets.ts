/**
 * Secrets for model providers: the OS secret store when the shell offers one (Electron's
 * safeStorage: the OS keychain encrypts them; they are kept encrypted in the data directory),
 * then environment variables. Topologies only name secrets; values never reach the UI.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SecretSource } from '../../agents/llm/factory.js';
import { AtomicFiles } from './atomic-write.js';

/** Encryption by the OS keychain (Electron's safeStorage has this shape). */
export interface OsCipher {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/** A secret's name and where it is set (never its value). */
export interface SecretInfo {
  name: string;
  source: 'os' | 'env';
}

/** The host's secrets: names listed, values resolved at run time. */
export class SecretStore implements SecretSource {
  private stored = new Map<string, string>(); // name → base64 ciphertext
  /** The one read of the file: callers at once all wait for it (a flag set before the read let a concurrent `set` be overwritten by it). */
  private loading: Promise<void> | null = null;

  constructor(
    private readonly dataDir: string,
    private readonly cipher: OsCipher | null,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** True when values can be stored (an OS keychain is there). */
  get canStore(): boolean {
    return this.cipher?.isEncryptionAvailable() ?? false;
  }

  /** Reads the encrypted file once; call before `get`. */
  load(): Promise<void> {
    this.loading ??= readFile(this.file, 'utf8').then(
      (text) => {
        const data = JSON.parse(text) as Record<string, string>;
        this.stored = new Map(Object.entries(data).filter(([, v]) => typeof v === 'string'));
      },
      () => undefined, // none stored yet
    ).catch(() => undefined); // unreadable JSON: start empty, as before
    return this.loading;
  }

  /** The OS store first (what the user set in the app), then the environment. */
  get(name: string): string | undefined {
    const encrypted = this.stored.get(name);
    if (encrypted !== undefined && this.canStore) return this.cipher!.decryptString(Buffer.from(encrypted, 'base64'));
    return this.env[name];
  }

  /** Names of the secrets set in the OS store, and of `wanted` ones found in the environment. */
  list(wanted: readonly string[] = []): SecretInfo[] {
    const os = [...this.stored.keys()].map((name): SecretInfo => ({ name, source: 'os' }));
    const env = wanted.filter((name) => !this.stored.has(name) && this.env[name] !== undefined).map((name): SecretInfo => ({ name, source: 'env' }));
    return [...os, ...env].sort((a, b) => a.name.localeCompare(b.name));
  }

  async set(name: string, value: string): Promise<void> {
    if (!this.canStore) throw new Error('No OS secret store is available here (the desktop app has one); set the environment variable instead.');
    await this.load();
    this.stored.set(name, this.cipher!.encryptString(value).toString('base64'));
    await this.persist();
  }

  async delete(name: string): Promise<void> {
    await this.load();
    if (this.stored.delete(name)) await this.persist();
  }

  /** The last write queued by {@link persist}. */
  private writes: Promise<void> = Promise.resolve();

  private get file(): string {
    return path.join(this.dataDir, 'secrets.enc.json');
  }

  /**
   * Atomic, and one write at a time, each taking the map as it is when it starts: two `set`s at
   * once both land (with one shared temporary name the second failed; unordered renames could drop one).
   */
  private persist(): Promise<void> {
    const write = () => AtomicFiles.inDataDir(this.dataDir).write(this.file, JSON.stringify(Object.fromEntries(this.stored)), 0o600);
    const next = this.writes.then(write, write);
    this.writes = next.catch(() => undefined);
    return next;
  }
}

// Secrets: the OS store (a cipher standing in for the keychain) before the environment; values
// stored encrypted, never listed; no store without a keychain.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretStore, type OsCipher } from '../../main/host/secrets.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

/** Stands in for the OS keychain: reversible, and visibly not plaintext. */
const cipher: OsCipher = {
  isEncryptionAvailable: () => true,
  encryptString: (plain) => Buffer.from([...Buffer.from(plain)].map((b) => b ^ 0x5a)),
  decryptString: (encrypted) => Buffer.from([...encrypted].map((b) => b ^ 0x5a)).toString(),
};

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('secrets');
});
afterEach(async () => {
  await removeTempDir(dir);
});

describe('SecretStore', () => {
  it('stores values encrypted, reads them back, and prefers them over the environment', async () => {
    const store = new SecretStore(dir, cipher, { OPENAI_API_KEY: 'from-env', OTHER: 'env-only' });
    await store.set('OPENAI_API_KEY', 'sk-secret-value');
    const onDisk = await readFile(path.join(dir, 'secrets.enc.json'), 'utf8');
    expect(onDisk).not.toContain('sk-secret-value');
    expect(store.get('OPENAI_API_KEY')).toBe('sk-secret-value');
    expect(store.get('OTHER')).toBe('env-only');

    const reopened = new SecretStore(dir, cipher, {});
    await reopened.load();
    expect(reopened.get('OPENAI_API_KEY')).toBe('sk-secret-value');
    expect(reopened.list(['ANTHROPIC_API_KEY'])).toEqual([{ name: 'OPENAI_API_KEY', source: 'os' }]);
  });

  it('lists names and sources only', async () => {
    const store = new SecretStore(dir, cipher, { ANTHROPIC_API_KEY: 'x' });
    await store.set('OPENAI_API_KEY', 'y');
    const listed = store.list(['ANTHROPIC_API_KEY', 'MISSING_KEY']);
    expect(listed).toEqual([
      { name: 'ANTHROPIC_API_KEY', source: 'env' },
      { name: 'OPENAI_API_KEY', source: 'os' },
    ]);
    expect(JSON.stringify(listed)).not.toMatch(/"x"|"y"/);
  });

  it('keeps both of two values set at once', async () => {
    const store = new SecretStore(dir, cipher, {});
    await Promise.all([store.set('A_KEY', 'a'), store.set('B_KEY', 'b'), store.set('C_KEY', 'c')]);
    const reopened = new SecretStore(dir, cipher, {});
    await reopened.load();
    expect([reopened.get('A_KEY'), reopened.get('B_KEY'), reopened.get('C_KEY')]).toEqual(['a', 'b', 'c']);
  });

  it('deletes', async () => {
    const store = new SecretStore(dir, cipher, {});
    await store.set('KEY', 'v');
    await store.delete('KEY');
    expect(store.get('KEY')).toBeUndefined();
  });

  it('refuses to store without an OS keychain, and still reads the environment', async () => {
    const store = new SecretStore(dir, null, { KEY: 'env' });
    expect(store.canStore).toBe(false);
    await expect(store.set('KEY', 'v')).rejects.toThrow(/No OS secret store/);
    expect(store.get('KEY')).toBe('env');
  });
});

/** Export from the app: files written to a folder (secrets 0600), or previews without the secrets. */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { nkeys } from '@nats-io/nats-core';
import { exportTopology, type ExportFormat } from '../../agents/topology/export/index.js';
import { formatProblems, loadTopology } from '../../agents/topology/load.js';
import { RpcError } from '../../preload/contract.js';

/** Makes the nkey pairs nats-conf and compose exports need. */
export const createNkeyUser = () => {
  const user = nkeys.createUser();
  return { publicKey: user.getPublicKey(), seed: new TextDecoder().decode(user.getSeed()) };
};

/** Makes a cluster export's route password: 192 random bits, URL-safe (it goes into the route URLs). */
export const createRoutePassword = () => randomBytes(24).toString('base64url');

/** Exports `text`; writes into `dir` when given. Secrets never travel back to the UI. */
export async function exportForApp(text: string, format: ExportFormat, fileName = 'topology.yaml', dir?: string, clusterNodes?: number) {
  const loaded = loadTopology(text, fileName);
  if (!loaded.topology) throw new RpcError('invalid_input', `The topology has problems; fix them before exporting:\n${formatProblems(loaded.problems, fileName)}`);
  const baseName = path.basename(fileName).replace(/\.(ya?ml|json)$/i, '');
  const { files } = exportTopology(loaded.topology, format, { baseName, createUser: createNkeyUser, createPassword: createRoutePassword, ...(clusterNodes !== undefined && { clusterNodes }) });
  if (dir) {
    const target = path.resolve(dir);
    await mkdir(target, { recursive: true });
    for (const file of files) {
      const full = path.join(target, file.name);
      await writeFile(full, file.content, { mode: file.secret ? 0o600 : 0o644 });
      if (file.secret) await chmod(full, 0o600);
    }
  }
  return {
    files: files.map((f) => ({ name: f.name, content: f.secret ? null : f.content, secret: f.secret ?? false })),
    writtenTo: dir ? path.resolve(dir) : null,
  };
}

// electron-builder's beforePack hook (electron-builder.yml): every installer carries its own
// nats-server. electron-builder skips an extraResources folder that does not exist, so a target
// whose binary was never fetched (linux-arm64 built on an x64 machine) would ship without one.
// Such a target gets the pinned release from the fetch script; if that fails too, packing stops.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** builder-util's Arch enum, by value: the hook's context carries the number. */
const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

/** Where the fetch script puts `platform`-`arch`'s binary, the folder extraResources copies. */
export const natsServerResource = (platform, arch) =>
  path.join(root, 'resources', 'nats-server', `${platform}-${arch}`, platform === 'win32' ? 'nats-server.exe' : 'nats-server');

/** Makes sure the target being packed has its nats-server; throws (stopping the build) when it cannot. */
export async function beforePack({ electronPlatformName: platform, arch }) {
  const archName = ARCH_NAMES[arch] ?? String(arch);
  const file = natsServerResource(platform, archName);
  if (existsSync(file)) return;
  // Another machine's binary cannot come from this one's PATH: download the pinned release.
  const native = platform === process.platform && archName === process.arch;
  execFileSync(process.execPath, [path.join(root, 'scripts', 'fetch-nats-server.mjs'), '--platform', platform, '--arch', archName, ...(native ? [] : ['--download'])], { stdio: 'inherit' });
  if (!existsSync(file)) {
    throw new Error(`${path.relative(root, file)} is missing, so the ${platform}-${archName} installer would have no nats-server. Get it with: node scripts/fetch-nats-server.mjs --platform ${platform} --arch ${archName} --download`);
  }
}

/** A temporary copy of the repository's skeleton for running a scripts/*.mjs where its surroundings are stand-ins. */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from './nats-binary.js';
import { makeTempDir } from './temp-dir.js';

/** A stand-in scripts/build.mjs: leaves the file `built` in the root and prints `fake build`. */
export const FAKE_BUILD = "import { writeFileSync } from 'node:fs';\nwriteFileSync('built', '');\nconsole.log('fake build');\n";

/** Makes a temp root holding copies of `scripts` (file names under scripts/) and, if given, a stand-in build; remove it with removeTempDir. */
export async function makeScriptSandbox(prefix: string, scripts: readonly string[], build?: string): Promise<string> {
  const root = await makeTempDir(prefix);
  await mkdir(path.join(root, 'scripts'));
  for (const file of scripts) await copyFile(path.join(repoRoot, 'scripts', file), path.join(root, 'scripts', file));
  if (build !== undefined) await writeFile(path.join(root, 'scripts', 'build.mjs'), build);
  return root;
}

/** Default locations on each platform (Electron passes its own `userData` instead). */
import os from 'node:os';
import path from 'node:path';

/** The per-user data directory Switchboard uses outside Electron, following each OS's convention. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env['SWITCHBOARD_DATA_DIR']) return path.resolve(env['SWITCHBOARD_DATA_DIR']);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env['APPDATA'] ?? path.join(home, 'AppData', 'Roaming'), 'Switchboard');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Switchboard');
  return path.join(env['XDG_DATA_HOME'] ?? path.join(home, '.local', 'share'), 'switchboard');
}

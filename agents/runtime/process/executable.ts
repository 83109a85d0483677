/** Whether a file can be run by this process. */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** True when `file` exists and is executable for us. */
export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The executable `command` resolves to (a path, or a name looked up on `PATH`), or null. */
export function resolveCommand(command: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string | null {
  if (command.includes('/') || command.includes('\\')) {
    const full = path.resolve(cwd, command);
    return isExecutable(full) ? full : null;
  }
  const extensions = process.platform === 'win32' ? (env['PATHEXT'] ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (env['PATH'] ?? '').split(path.delimiter).filter(Boolean)) {
    for (const ext of extensions) {
      const candidate = path.join(dir, command + ext);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return null;
}

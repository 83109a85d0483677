/** Processes and executables: whether a file can be run, where a command resolves, whether a pid lives. */
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

/** True while a process with `pid` exists (one we may not signal counts; so does an unreaped zombie). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

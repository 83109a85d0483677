/**
 * Makes a child process die with the host, even when the host is killed with SIGKILL and gets no
 * chance to stop it. On Linux, util-linux's `setpriv --pdeathsig` asks the kernel to signal the
 * child when its parent dies, then execs the real program (same pid). Used for nats-server (where
 * the host's data-dir lock also stops an orphan at the next start) and for stdio MCP servers.
 */
import { isExecutable } from './executable.js';

const SETPRIV = '/usr/bin/setpriv';

/** The command and arguments that run `binary args` tied to this process's life where possible. */
export function tiedToParent(binary: string, args: string[], platform: NodeJS.Platform = process.platform): { command: string; args: string[] } {
  if (platform === 'linux' && isExecutable(SETPRIV)) {
    return { command: SETPRIV, args: ['--pdeathsig', 'SIGTERM', '--', binary, ...args] };
  }
  return { command: binary, args };
}

/**
 * Why starting or running a topology failed, as a typed reason. Every entry point (`switchboard
 * run`, `switchboard serve`, the app) throws these; the exit code and the printed message come
 * from this one table, so the same bad input gets the same answer everywhere.
 */

/** Each reason and its process exit code (the codes `switchboard run --help` documents). */
export const FAILURE_EXIT_CODES = {
  /** A mistake in the command line: unknown flag, bad value, flags that need another. */
  usage: 2,
  /** A file named on the command line cannot be read or is not what it should be. */
  unreadable: 2,
  /** The topology has errors. */
  invalid_topology: 1,
  /** The one request failed or timed out. */
  request_failed: 3,
  /** No NATS server: unreachable, refused us, or the embedded one did not start. */
  nats_unavailable: 4,
  /** An MCP server or an agent did not start. */
  start_failed: 5,
  /** A replay could not follow its record (`switchboard replay`): the first divergence is printed. */
  replay_diverged: 6,
} as const;

/** A failure's reason. */
export type FailureReason = keyof typeof FAILURE_EXIT_CODES;

/** A failure with its reason; `message` is for the user, short and without the command's name. */
export class RunFailure extends Error {
  constructor(
    readonly reason: FailureReason,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'RunFailure';
  }
}

/** What a command prints and exits with for `error`. */
export interface FailureReport {
  /** The process exit code; 1 for errors without a reason (bugs, unexpected I/O). */
  code: number;
  /** The message after "switchboard COMMAND: ". */
  message: string;
  /** Whether to point at the command's --help. */
  usage: boolean;
}

/** Maps any thrown value to its exit code and message: the one place both are decided. */
export function reportFailure(error: unknown): FailureReport {
  const failure = asRunFailure(error);
  if (!failure) return { code: 1, message: error instanceof Error ? error.message : String(error), usage: false };
  const prefix = failure.reason === 'nats_unavailable' ? 'NATS unavailable: ' : '';
  return { code: FAILURE_EXIT_CODES[failure.reason], message: prefix + failure.message, usage: failure.reason === 'usage' };
}

/** `error` as a RunFailure: node's parseArgs errors (unknown or malformed flags) are usage failures. */
function asRunFailure(error: unknown): RunFailure | null {
  if (error instanceof RunFailure) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS') || !(error instanceof Error)) return null;
  // parseArgs words the same mistake differently when positionals are allowed: keep the first sentence.
  const unknown = /^Unknown option '([^']+)'/.exec(error.message);
  return new RunFailure('usage', unknown ? `unknown option ${unknown[1]}.` : error.message);
}

/** A short reason for a file system error: "no such file" rather than ENOENT and a syscall. */
export function fileErrorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return error instanceof Error ? error.message : String(error);
}

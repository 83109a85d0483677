/**
 * The signals that stop a long-running command. One set of handlers serves the whole life of the
 * command, so there is never a moment with the default (fatal) disposition: the first SIGINT,
 * SIGTERM or SIGHUP asks it to stop; later SIGTERM/SIGHUP are ignored while it stops (supervisors
 * resend them), and a second Ctrl-C forces the exit, as users expect.
 */

/** A command's stop request. */
export interface StopSignals {
  /** Resolves with the first signal received. */
  promise: Promise<NodeJS.Signals>;
  /** Marks the command as stopping for another reason (duration over, request answered). */
  stopping(): void;
}

/** Installs the handlers; they stay until the process exits. */
export function stopSignals(log: (text: string) => void): StopSignals {
  let stopping = false;
  let resolve: (signal: NodeJS.Signals) => void = () => undefined;
  const promise = new Promise<NodeJS.Signals>((r) => (resolve = r));
  const handler = (signal: NodeJS.Signals) => {
    if (!stopping) {
      stopping = true;
      resolve(signal);
    } else if (signal === 'SIGINT') {
      log('Second Ctrl-C: exiting now.');
      process.exit(130);
    } else {
      log('Already stopping…');
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, handler);
  return { promise, stopping: () => (stopping = true) };
}

/** What every command's flag parsing shares: the usage failure and the number flags. */
import { RunFailure } from '../host/run-session-failure.js';

/** A mistake in the command line: printed with a pointer to --help, exit code 2. */
export class UsageError extends RunFailure {
  constructor(message: string) {
    super('usage', message);
    this.name = 'UsageError';
  }
}

/** A flag holding a positive number (seconds, a count); undefined when absent. */
export function positiveNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`${flag}: "${value}" is not a positive number.`);
  return n;
}

/** A flag holding a TCP port (0 picks a free one); undefined when absent. */
export function portNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${flag}: "${value}" is not a port number (0 to 65535).`);
  return n;
}

/** A flag holding one of `choices`; undefined when absent. */
export function oneOf<const T extends string>(value: string | undefined, flag: string, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) throw new UsageError(`${flag} must be one of ${choices.join(', ')} (not "${value}").`);
  return value as T;
}

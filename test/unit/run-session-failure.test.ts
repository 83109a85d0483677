// Failures to exit codes and messages: the one table both `run` and `serve` (and every command) use.
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { portNumber, positiveNumber, UsageError } from '../../main/commands/flags.js';
import { FAILURE_EXIT_CODES, fileErrorText, reportFailure, RunFailure, type FailureReason } from '../../main/host/run-session-failure.js';

/** What parseArgs throws for `args`. */
function parseError(args: string[], allowPositionals: boolean): unknown {
  try {
    parseArgs({ args, allowPositionals, options: { nats: { type: 'string' } }, strict: true });
  } catch (error) {
    return error;
  }
  throw new Error(`parseArgs accepted ${args.join(' ')}`);
}

describe('reportFailure', () => {
  it.each<[FailureReason, number]>([
    ['usage', 2],
    ['unreadable', 2],
    ['invalid_topology', 1],
    ['request_failed', 3],
    ['nats_unavailable', 4],
    ['start_failed', 5],
  ])('exits %s with %i (the codes run --help documents)', (reason, code) => {
    expect(FAILURE_EXIT_CODES[reason]).toBe(code);
    expect(reportFailure(new RunFailure(reason, 'why')).code).toBe(code);
  });

  it('says NATS is unavailable, and sends only usage failures to --help', () => {
    expect(reportFailure(new RunFailure('nats_unavailable', 'connection refused'))).toEqual({ code: 4, message: 'NATS unavailable: connection refused', usage: false });
    expect(reportFailure(new UsageError('--input and --to go together.'))).toEqual({ code: 2, message: '--input and --to go together.', usage: true });
    expect(reportFailure(new RunFailure('unreadable', 'cannot read x'))).toMatchObject({ code: 2, usage: false });
  });

  it('words an unknown flag the same whether the command takes positionals or not', () => {
    const withPositionals = reportFailure(parseError(['FILE', '--bogus'], true));
    const without = reportFailure(parseError(['--bogus'], false));
    expect(withPositionals).toEqual({ code: 2, message: 'unknown option --bogus.', usage: true });
    expect(without).toEqual(withPositionals);
  });

  it('keeps parseArgs wording for other flag mistakes, as a usage failure', () => {
    expect(reportFailure(parseError(['--nats'], false))).toEqual({ code: 2, message: "Option '--nats <value>' argument missing", usage: true });
  });

  it('exits 1 for anything without a reason (a bug, not the user)', () => {
    expect(reportFailure(new TypeError('x is undefined'))).toEqual({ code: 1, message: 'x is undefined', usage: false });
    expect(reportFailure('thrown text')).toEqual({ code: 1, message: 'thrown text', usage: false });
    expect(reportFailure(Object.assign(new Error('EPIPE'), { code: 'EPIPE' }))).toMatchObject({ code: 1 });
  });
});

describe('fileErrorText', () => {
  it('names common file errors in words', () => {
    const errno = (code: string) => Object.assign(new Error(`${code}: open 'x'`), { code });
    expect(fileErrorText(errno('ENOENT'))).toBe('no such file');
    expect(fileErrorText(errno('EACCES'))).toBe('permission denied');
    expect(fileErrorText(errno('EISDIR'))).toBe('it is a directory');
    expect(fileErrorText(errno('EMFILE'))).toBe("EMFILE: open 'x'");
  });
});

describe('number flags', () => {
  it('reads positive numbers and ports, undefined when absent', () => {
    expect(positiveNumber('0.3', '--duration')).toBe(0.3);
    expect(positiveNumber(undefined, '--duration')).toBeUndefined();
    expect(portNumber('0', '--port')).toBe(0);
    expect(portNumber('65535', '--port')).toBe(65535);
    expect(portNumber(undefined, '--port')).toBeUndefined();
  });

  it.each(['', ' ', 'soon', '0', '-1', 'Infinity', 'NaN'])('refuses %j as a positive number', (value) => {
    expect(() => positiveNumber(value, '--duration')).toThrow(UsageError);
    expect(() => positiveNumber(value, '--duration')).toThrow(`--duration: "${value}" is not a positive number.`);
  });

  it.each(['', 'http', '-1', '65536', '80.5'])('refuses %j as a port', (value) => {
    expect(() => portNumber(value, '--port')).toThrow(`--port: "${value}" is not a port number (0 to 65535).`);
  });
});

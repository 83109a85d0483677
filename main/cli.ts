/** `switchboard`: the command line. Each command lives in commands/; this file only dispatches. */
import { appVersion } from './app-paths.js';
import { reportFailure } from './host/run-session-failure.js';

const HELP = `Switchboard ${appVersion}: design, run and debug multi-agent systems on NATS.

Usage: switchboard <command> [options]

Commands:
  serve      start the workbench in browser mode (the UI on 127.0.0.1, with an embedded nats-server)
  run        run a topology headless: switchboard run templates/seed-000-trio.yaml --input "…" --to task_coordinator
  replay     re-run a recorded trace without calling any model, or fork it at one decision
  validate   check a topology file: schema, names, edges, tools, models, budgets
  export     export a topology: yaml, json, nats-conf (least-privilege), compose, mermaid
  trace      read a recorded trace: summary, mermaid (sequence diagram), otlp (OpenTelemetry); diff two
  agents     list the agents on a NATS bus, in every protocol (seed-000/001/002, Synadia): switchboard agents --nats URL
  schema     print the topology file's JSON Schema (for editors)
  help       show this help, or a command's: switchboard help serve

Options:
  -h, --help      show help
  -v, --version   print the version

Run "switchboard <command> --help" for a command's options.`;

/** A command's entry point. */
type Command = (argv: string[]) => Promise<number>;

// Each command loads when it is run, so `trace diff` does not pay for what `run` and `serve` import
// (the MCP SDK alone takes about a second to load): the build splits them into chunks.
const commands: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./commands/serve.js')).serve,
  run: async () => (await import('./commands/run.js')).run,
  replay: async () => (await import('./commands/replay.js')).replay,
  validate: async () => (await import('./commands/validate.js')).validate,
  export: async () => (await import('./commands/export.js')).exportCommand,
  schema: async () => (await import('./commands/schema.js')).schema,
  trace: async () => (await import('./commands/trace.js')).trace,
  agents: async () => (await import('./commands/agents.js')).agents,
};

/** The command named `name` (own keys only: "constructor" is not a command). */
const commandOf = (name: string): (() => Promise<Command>) | undefined => (Object.hasOwn(commands, name) ? commands[name] : undefined);

/** Runs the command line; resolves with the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help') {
    console.log(HELP);
    return 0;
  }
  if (command === 'help') {
    const target = rest[0];
    const load = target ? commandOf(target) : undefined;
    return load ? (await load())(['--help']) : (console.log(HELP), 0);
  }
  if (command === '-v' || command === '--version') {
    console.log(appVersion);
    return 0;
  }
  const load = commandOf(command);
  if (!load) {
    console.error(`switchboard: unknown command "${command}".\n\n${HELP}`);
    return 2;
  }
  try {
    return await (await load())(rest);
  } catch (error) {
    // One table turns every failure into its exit code and message, whichever command threw it.
    const failure = reportFailure(error);
    console.error(`switchboard ${command}: ${failure.message}${failure.usage ? `\nRun "switchboard ${command} --help" for usage.` : ''}`);
    return failure.code;
  }
}

const exitCode = await main(process.argv.slice(2));
process.exitCode = exitCode;

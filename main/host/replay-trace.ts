/**
 * Reads what a replay needs out of a recorded trace (an NDJSON export, or a run of the app's
 * library exported to one): the header with the topology, the model calls, tool results and
 * outside inputs. Bad input gets one short RunFailure each.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { recordingFrom, type Recording } from '../../agents/runtime/replay/recording.js';
import { forkProblem, type ForkPoint } from '../../agents/runtime/replay/replay-coordinator.js';
import { formatProblems, loadTopology } from '../../agents/topology/load.js';
import type { Topology } from '../../agents/topology/schema.js';
import { checkTraceHeader } from '../../agents/trace/line-problems.js';
import { TraceRecordSchema, type TraceHeader, type TraceRecord } from '../../agents/trace/record.js';
import { fileErrorText, RunFailure } from './run-session-failure.js';
import { safeJson, scanLines } from './trace/segments.js';
import type { TraceLibrary } from './trace/trace-library.js';

/** A recording with the topology text it ran (the trace header's). */
export interface ReplayTrace {
  header: TraceHeader;
  recording: Recording;
  topology: string;
}

// Only these records matter to a replay; the rest are skipped before parsing.
const WANTED = ['"kind":"message"', '"name":"llm.call"', '"name":"tool.result"', '"name":"memory.consolidated"'];

/** Reads `file` (an NDJSON trace); refuses one without a header, a topology or inputs to send. */
export async function readReplayTrace(file: string): Promise<ReplayTrace> {
  let header: TraceHeader | null = null;
  let problem: string | null = null;
  const records: TraceRecord[] = [];
  try {
    await scanLines(file, true, (line, offset) => {
      if (line.trim() === '') return true;
      if (offset === 0 || !header) {
        const raw = safeJson(line);
        const checked = raw === undefined ? null : checkTraceHeader(raw);
        if (!checked?.ok) return ((problem = `it is not a Switchboard trace (its first line: ${checked ? checked.problem : 'not JSON'})`), false);
        header = checked.header;
        return true;
      }
      if (!WANTED.some((w) => line.includes(w))) return true;
      const parsed = TraceRecordSchema.safeParse(safeJson(line));
      if (parsed.success) records.push(parsed.data);
      return true;
    });
  } catch (error) {
    throw new RunFailure('unreadable', `cannot read ${file}: ${fileErrorText(error)}`);
  }
  if (problem || !header) throw new RunFailure('unreadable', `cannot replay ${file}: ${problem ?? 'it is empty'}.`);
  return replayTraceOf(header, records, file);
}

/** Reads run `runId` of `library` (exported to a temporary file, then read as one). */
export async function readLibraryRun(library: TraceLibrary, runId: string): Promise<ReplayTrace> {
  const dir = await mkdtemp(path.join(tmpdir(), 'switchboard-replay-'));
  try {
    const file = path.join(dir, `${runId}.ndjson`);
    try {
      await library.exportNdjson(runId, file);
    } catch (error) {
      throw new RunFailure('unreadable', `no recorded run ${runId}: ${fileErrorText(error)}`);
    }
    const trace = await readReplayTrace(file);
    // An imported run keeps its original id in its header: the replay names the run it was read from.
    return { ...trace, recording: { ...trace.recording, runId } };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function replayTraceOf(header: TraceHeader, records: TraceRecord[], file: string): ReplayTrace {
  const topology = header.topology;
  if (!topology) throw new RunFailure('unreadable', `cannot replay ${path.basename(file)}: its header holds no topology (the run was not started from a topology file).`);
  const recording = recordingFrom(header, records);
  if (recording.inputs.length === 0) {
    throw new RunFailure('unreadable', `cannot replay ${path.basename(file)}: it records no request sent from outside (by the workbench or switchboard run --input) to send again.`);
  }
  return { header, recording, topology };
}

/** The recorded topology, parsed, and the fork checked against the recording: one short RunFailure for each problem. */
export function replayTopology(trace: ReplayTrace, fork?: ForkPoint): Topology {
  const loaded = loadTopology(trace.topology, 'topology.yaml');
  if (!loaded.topology) throw new RunFailure('invalid_topology', `the recorded topology has problems:\n${formatProblems(loaded.problems, 'topology.yaml')}`);
  if (fork) {
    if (!loaded.topology.spec.agents.some((a) => a.name === fork.agent)) throw new RunFailure('usage', `fork ${fork.agent}:${fork.turn}: no agent named ${fork.agent} in ${loaded.topology.metadata.name}.`);
    const problem = forkProblem(trace.recording, fork);
    if (problem) throw new RunFailure('usage', `fork ${fork.agent}:${fork.turn}: ${problem}`);
  }
  return loaded.topology;
}

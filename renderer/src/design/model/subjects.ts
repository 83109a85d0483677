/** The NATS subject a line stands for, from the topology's profile, for the canvas's hover label. */
import { broadcastSubject, profileFor, renderSubject } from '../../../../agents/protocol/subjects';
import type { Topology } from '../../../../agents/topology/schema';
import type { Connection } from './connections';

/** The subject (or what carries the line, when it is not a subject), never throwing. */
export function connectionSubject(topology: Topology, line: Pick<Connection, 'kind' | 'from' | 'to' | 'detail'>): string {
  const profile = profileFor(topology.spec.profile, topology.spec.environment);
  const bucketOf = (board: string) => topology.spec.blackboards.find((b) => b.name === board)?.bucket ?? board;
  try {
    switch (line.kind) {
      case 'request':
        return profile ? renderSubject(profile.request, { agent: line.to }) : '';
      case 'direct':
        return profile?.direct ? renderSubject(profile.direct, { agent: line.to }) : `no direct subjects in ${topology.spec.profile}`;
      case 'handoff':
        return profile?.handoff ? renderSubject(profile.handoff, { from: line.from, to: line.to }) : `no handoff subjects in ${topology.spec.profile}`;
      case 'broadcast':
        return profile ? broadcastSubject(profile, line.from) : '';
      case 'subscribe':
        return line.detail ?? '(no subject)';
      case 'watch':
        return `$KV.${bucketOf(line.from)}.${line.detail ?? '>'}`;
      case 'blackboard':
        return `$KV.${bucketOf(line.to)}.>`;
      case 'tool':
        return `${line.detail ?? line.to} · called through the tool gateway`;
    }
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * The Synadia Agent Protocol's part of an exported config: the users of served agents (their
 * `@nats-io/services` endpoints, discovery, heartbeats, streamed replies, and the run client
 * `synadia_client` that runs under the same credentials), a `synadia_caller` user for protocol
 * clients when some agent is served, the declared external protocol agents' own users, and what a
 * Switchboard agent needs to call one of those (discovery, its prompt endpoint). Isomorphic.
 */
import { inboxPrefixOf, type SubjectProfile } from '../../protocol/subjects.js';
import { SYNADIA_HEARTBEAT_WILDCARD, SYNADIA_SERVICE_NAME, synadiaSubjects, type SynadiaIdentity } from '../../protocol/synadia.js';
import type { Topology } from '../schema.js';
import { SYNADIA_CLIENT_NAME as SYNADIA_CLIENT, synadiaServed } from '../synadia-exposure.js';
import { freeName, grant, newUser } from './grants.js';
import { runClientGrants } from './nats-conf-a2a.js';
import type { UserPermissions } from './nats-conf.js';

/** The user protocol clients (the SDK's `Agents`, the `nats` CLI…) log in as to call served agents. */
export const SYNADIA_CALLER_USER = 'synadia_caller';
/**
 * `allow_responses` of a protocol agent: a prompt's answer is a stream (ack, keep-alives, chunks,
 * terminator) to one reply subject, for as long as a caller waits (the caller's ceiling is 10 min).
 */
export const SYNADIA_STREAMED_RESPONSES = { max: 100_000, expires: '10m' } as const;

const SRV_VERBS = ['PING', 'INFO', 'STATS'] as const;

/** Adds the Synadia users and grants to `users` (agents and externals already there, observer not yet). */
export function synadiaGrants(topology: Topology, users: Map<string, UserPermissions>, profile: SubjectProfile): void {
  const served = synadiaServed(topology);
  for (const [name, { identity }] of served) {
    const user = users.get(name);
    if (user) servedGrants(user, identity, profile);
  }

  const externals = topology.spec.externalAgents.filter((e) => e.synadia);
  for (const external of externals) {
    const user = users.get(external.name);
    if (user?.kind === 'synadia') protocolAgentGrants(user, { ...external.synadia!, agent: '*' }, 'its');
  }
  if (externals.length > 0) {
    for (const agent of topology.spec.agents) {
      const user = users.get(agent.name);
      if (!user) continue;
      // The network's registry connection runs with the credentials of the process's (first) agent.
      grant(user.publish, `$SRV.INFO.${SYNADIA_SERVICE_NAME}`, 'registry: looks for the declared Synadia agents once at start ($SRV.INFO discovery)');
      grant(user.subscribe, SYNADIA_HEARTBEAT_WILDCARD, "registry: follows the declared Synadia agents' heartbeats (it subscribes to this wildcard: a narrower grant would refuse it)");
    }
  }
  for (const edge of topology.spec.edges) {
    const target = externals.find((e) => e.name === edge.to)?.synadia;
    const from = users.get(edge.from);
    if (edge.kind !== 'request' || !target || !from || from.kind !== 'agent') continue;
    const label = `request edge ${edge.from} -> ${edge.to} (Synadia protocol)`;
    grant(from.publish, `$SRV.INFO.${SYNADIA_SERVICE_NAME}`, `${label}: finds its prompt endpoint ($SRV.INFO discovery)`);
    // The subject comes from $SRV.INFO: its agent token may be the SDK's short subjectToken.
    grant(from.publish, promptOf({ ...target, agent: '*' }), `${label}: prompt (the answer streams to its own inbox)`);
  }

  if (served.size === 0) return;
  const caller = newUser(freeName(SYNADIA_CALLER_USER, (n) => users.has(n)), 'synadia-caller');
  for (const verb of ['PING', 'INFO'] as const) {
    grant(caller.publish, `$SRV.${verb}`, `$SRV.${verb} of every service`);
    grant(caller.publish, `$SRV.${verb}.${SYNADIA_SERVICE_NAME}`, `$SRV.${verb} of protocol agents${verb === 'INFO' ? " (the SDK's discover())" : ''}`);
  }
  grant(caller.publish, `$SRV.INFO.${SYNADIA_SERVICE_NAME}.*`, "one instance's $SRV.INFO by id (the SDK's targeted lookup)");
  for (const [name, { identity }] of served) {
    const subjects = synadiaSubjects(identity);
    grant(caller.publish, subjects.prompt, `prompt the served agent ${name}`);
    grant(caller.publish, subjects.status, `ask the served agent ${name} how it is (status endpoint)`);
  }
  grant(caller.subscribe, `${inboxPrefixOf(caller.name)}.>`, `its own inbox (connect with inboxPrefix ${inboxPrefixOf(caller.name)}): discovery replies and prompt streams`);
  grant(caller.subscribe, SYNADIA_HEARTBEAT_WILDCARD, 'heartbeats (the SDK subscribes to this wildcard before it discovers)');
  users.set(caller.name, caller);
}

/** The prompt endpoint's subject. */
const promptOf = (identity: SynadiaIdentity) => synadiaSubjects(identity).prompt;

/** Endpoints, discovery, heartbeats and streamed replies of a protocol agent (`identity.agent` may be `*`). */
function protocolAgentGrants(user: UserPermissions, identity: SynadiaIdentity, whose: string): void {
  const subjects = synadiaSubjects(identity);
  grant(user.subscribe, subjects.prompt, `Synadia protocol: ${whose} prompt endpoint (queue group ${SYNADIA_SERVICE_NAME})`);
  grant(user.subscribe, subjects.status, `Synadia protocol: ${whose} status endpoint`);
  // @nats-io/services answers for all services, by name and by instance id; a refused one closes the service.
  for (const verb of SRV_VERBS) {
    grant(user.subscribe, `$SRV.${verb}`, `Synadia protocol: $SRV.${verb} of every service`);
    grant(user.subscribe, `$SRV.${verb}.${SYNADIA_SERVICE_NAME}`, `Synadia protocol: $SRV.${verb} by service name`);
    grant(user.subscribe, `$SRV.${verb}.${SYNADIA_SERVICE_NAME}.*`, `Synadia protocol: $SRV.${verb} by instance id`);
  }
  grant(user.publish, subjects.heartbeat, `Synadia protocol: ${whose} heartbeat`);
  user.streamedResponses = 'Synadia protocol: discovery replies and streamed prompt answers (ack, chunks, terminator) go to the asker\'s reply subject';
}

/** A served agent: the protocol's side, plus the run client `synadia_client` that runs on its credentials. */
function servedGrants(user: UserPermissions, identity: SynadiaIdentity, profile: SubjectProfile): void {
  protocolAgentGrants(user, identity, 'the served agent\'s');
  runClientGrants(user, SYNADIA_CLIENT, profile, "asks the agent on a prompt's behalf");
}

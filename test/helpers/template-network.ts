/** Runs a template (optionally changed) as a network on a test server, with a user agent to ask it. */
import { readFileSync } from 'node:fs';
import type { NodeConnectionOptions } from '@nats-io/transport-node';
import { Agent } from '../../agents/runtime/agent.js';
import type { RuntimeEvents } from '../../agents/protocol/runtime-events.js';
import { planNetwork } from '../../agents/runtime/from-topology.js';
import { AgentNetwork } from '../../agents/runtime/network.js';
import { loadTopology } from '../../agents/topology/load.js';
import type { Topology } from '../../agents/topology/schema.js';

/** Payloads by event name; the mapped type keeps each name's own payload type, so no cast is needed. */
type EventLog = { [N in keyof RuntimeEvents]?: RuntimeEvents[N][] };

/** A template's network, started, with a user agent to talk to it. */
export interface TemplateRun {
  topology: Topology;
  network: AgentNetwork;
  user: Agent;
  /** Every runtime event's payloads, by name, in order. */
  events: EventLog;
  stop(): Promise<void>;
}

/** Loads `templates/<name>.yaml`, applies `change`, and starts it (only some agents with `only`). */
export async function runTemplate(connection: NodeConnectionOptions, name: string, options: { only?: string[]; change?: (t: Topology) => void } = {}): Promise<TemplateRun> {
  const loaded = loadTopology(readFileSync(`templates/${name}.yaml`, 'utf8'), `${name}.yaml`);
  if (!loaded.topology) throw new Error(`template ${name}: ${JSON.stringify(loaded.problems)}`);
  const topology = loaded.topology;
  options.change?.(topology);
  const plan = planNetwork(topology, options.only);
  const network = new AgentNetwork({ connection, agents: plan.agents, profile: plan.profile, registryBucket: plan.registryBucket, synadiaExternals: plan.synadiaExternals, heartbeatMs: 0 });
  const events: EventLog = {};
  const log = <E extends keyof RuntimeEvents>(eventName: E, payload: RuntimeEvents[E]) => {
    const seen = events[eventName];
    // TypeScript reads a mapped type at a generic key but will not write one; the first payload goes in untyped.
    if (seen) seen.push(payload);
    else Object.assign(events, { [eventName]: [payload] });
  };
  network.events.onAny(log);
  await network.start();
  const user = new Agent({ name: `user_${name}`, connection, profile: plan.profile, heartbeatMs: 0, registryBucket: null });
  await user.start();
  // Coordinators find specialists through the registry: wait until it knows every agent started here.
  await network.registry.waitFor((r) => plan.agents.every((a) => r.get(a.name)?.status === 'available'));
  return {
    topology,
    network,
    user,
    events,
    stop: async () => {
      await user.stop();
      await network.stop();
    },
  };
}

/** The payloads of one event, in order. */
export const eventsNamed = <E extends keyof RuntimeEvents>(run: TemplateRun, name: E): RuntimeEvents[E][] => run.events[name] ?? [];

/**
 * An agent seen on a bus, in whichever protocol it speaks: what `switchboard agents` prints and
 * the app's Agents panel lists. Isomorphic: the runtime's discovery fills it, the contract and
 * the renderer read it.
 */
import { z } from 'zod';

/** Who Switchboard's discovery says it is in its seed-002 discovery requests (a trace tells its probes by it). */
export const DISCOVERY_SENDER = 'switchboard-discovery';

/** The protocols discovery understands. */
export const DiscoveryProtocolSchema = z.enum(['seed-000', 'seed-001', 'seed-002', 'synadia']);
export type DiscoveryProtocol = z.infer<typeof DiscoveryProtocolSchema>;

/** One agent on the bus (instances of one agent folded together). */
export const DiscoveredAgentSchema = z.object({
  /** Its name in its protocol (seed-002: the agent id; Synadia: the instance name, the subject's last token). */
  name: z.string(),
  protocol: DiscoveryProtocolSchema,
  description: z.string(),
  /** What it says it can do (Synadia agents declare endpoints instead). */
  capabilities: z.array(z.string()),
  /** Where to reach it: endpoint or channel name and subject. */
  endpoints: z.array(z.object({ name: z.string(), subject: z.string() })),
  status: z.enum(['available', 'busy', 'offline', 'unknown']),
  /** When it was last heard from (ISO): a message's arrival, else the heartbeat time a stored registration records; null when nothing says. */
  lastSeen: z.string().nullable(),
  /** The NATS server it is connected to, when it says (a cluster's node); null otherwise. */
  node: z.string().nullable(),
  /** Live instances seen. */
  instances: z.number().int().nonnegative(),
  /** Protocol or harness version, when declared. */
  version: z.string().nullable(),
  /** A Synadia Agent Protocol agent's identity (what a topology's external agent names); null for others. */
  synadia: z.object({ agent: z.string(), owner: z.string(), name: z.string() }).nullable(),
});
export type DiscoveredAgent = z.infer<typeof DiscoveredAgentSchema>;

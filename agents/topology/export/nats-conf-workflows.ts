/**
 * The durable workflows' part of an exported config (seed 003): a workflow is executed by the run
 * of its first step's agent (`switchboard run --only`, on that agent's credentials), whose engine
 * (connection `switchboard-workflows`) opens the AI_WORKFLOWS stream, writes the workflow's records
 * and reads them back with an ordered consumer, and whose run client `switchboard_cli` asks each
 * step's agent. Isomorphic.
 */
import { inboxPrefixOf, renderSubject, type SubjectProfile } from '../../protocol/subjects.js';
import { WORKFLOW_ENGINE_AGENT, WORKFLOW_STREAM } from '../../protocol/workflow-record.js';
import type { Topology } from '../schema.js';
import { grant } from './grants.js';
import type { UserPermissions } from './nats-conf.js';

/** The name `switchboard run` sends its requests (and a workflow's steps) as. */
export const RUN_CLIENT_NAME = 'switchboard_cli';

/** Adds what running each workflow needs to the user of its first step's agent; step agents answer requests. */
export function workflowGrants(topology: Topology, users: Map<string, UserPermissions>, profile: SubjectProfile): void {
  for (const workflow of topology.spec.workflows ?? []) {
    const user = users.get(workflow.steps[0]!.agent);
    if (!user) continue;
    const why = `workflow ${workflow.name} (its run executes it): `;
    grant(user.publish, `$JS.API.STREAM.INFO.${WORKFLOW_STREAM}`, `${why}the engine looks the stream up`);
    grant(user.publish, `$JS.API.STREAM.CREATE.${WORKFLOW_STREAM}`, `${why}and creates it when it is missing`);
    grant(user.publish, `$JS.API.CONSUMER.CREATE.${WORKFLOW_STREAM}.>`, `${why}an ordered consumer reads the records back from the first`);
    grant(user.publish, `$JS.API.CONSUMER.MSG.NEXT.${WORKFLOW_STREAM}.*`, `${why}and pulls them`);
    grant(user.publish, `$JS.API.CONSUMER.INFO.${WORKFLOW_STREAM}.*`, `${why}and checks its consumer after a reconnect`);
    grant(user.publish, `ai.workflows.${workflow.name}.>`, `${why}its records (requested, each step's started/completed/failed, finished/failed)`);
    grant(user.subscribe, `${inboxPrefixOf(WORKFLOW_ENGINE_AGENT)}.>`, `${why}the engine's inbox: JetStream API answers and the consumer's deliveries`);
    grant(user.subscribe, `${inboxPrefixOf(RUN_CLIENT_NAME)}.>`, `${why}${RUN_CLIENT_NAME}'s inbox: the steps' answers`);
    grant(user.subscribe, renderSubject(profile.request, { agent: RUN_CLIENT_NAME }), `${why}${RUN_CLIENT_NAME} listens on its request subject (nobody may publish there)`);
    if (profile.direct) grant(user.subscribe, renderSubject(profile.direct, { agent: RUN_CLIENT_NAME }), `${why}and its direct subject`);
    for (const step of workflow.steps) {
      grant(user.publish, renderSubject(profile.request, { agent: step.agent }), `${why}step ${step.name}: ask ${step.agent}`);
      const answering = users.get(step.agent);
      if (answering) answering.allowResponses = true;
    }
  }
}

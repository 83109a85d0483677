/**
 * What the schema cannot say about external A2A agents (`externalAgents[].a2a`): one is reached
 * by requests through the protocol gateway only (it sends nothing a topology routes, takes no
 * direct/handoff/broadcast), so it answers; it is not also a Synadia agent; and an example cannot
 * be sent to it (the run's sender is not an agent that can call it). The card URL itself is the
 * schema's (http/https).
 */
import type { Topology } from './schema.js';
import { LOOPBACK } from './validate-a2a-serve.js';

type Report = (path: (string | number)[], message: string) => void;

/** Reports the A2A externals' own problems (paths under `spec`); returns their names. */
export function checkA2aExternals(topology: Topology, error: Report): Set<string> {
  const names = new Set<string>();
  topology.spec.externalAgents.forEach((external, i) => {
    if (!external.a2a) return;
    names.add(external.name);
    if (!external.answers) error(['externalAgents', i, 'answers'], `"${external.name}" is an A2A agent, which answers requests: "answers: false" contradicts "a2a".`);
    if (hasUserInfo(external.a2a.card)) {
      // fetch refuses such a URL with an error quoting it whole: the secret would reach the trace and the app.
      error(['externalAgents', i, 'a2a', 'card'], `"${external.name}"'s card URL carries a user name or password: remove it and give the secret by reference in a2a.credential (the NAME of an environment variable).`);
    }
    if (external.synadia) error(['externalAgents', i, 'a2a'], `"${external.name}" cannot be both a Synadia protocol agent and an A2A agent: keep one of "synadia" and "a2a".`);
    const oauth2 = external.a2a.oauth2;
    if (oauth2 && external.a2a.credential) error(['externalAgents', i, 'a2a', 'oauth2'], `"${external.name}" has both a credential and oauth2: keep one (oauth2 fetches the bearer token the credential would fix).`);
    if (oauth2 && hasUserInfo(oauth2.tokenUrl)) error(['externalAgents', i, 'a2a', 'oauth2', 'tokenUrl'], `"${external.name}"'s token URL carries a user name or password: give the client by clientId and clientSecret (the NAME of an environment variable).`);
    else if (oauth2 && oauth2.tokenUrl.startsWith('http:') && !LOOPBACK.test(hostOf(oauth2.tokenUrl))) {
      error(['externalAgents', i, 'a2a', 'oauth2', 'tokenUrl'], `"${external.name}"'s token URL is plain http on another machine: the client secret would cross the network unencrypted. Use https (http is for a token endpoint on this machine).`);
    }
  });
  return names;
}

/** Reports an edge that an A2A agent cannot take part in (only requests to it are possible). */
export function checkA2aEdge(edge: { from: string; to: string; kind: string }, i: number, a2a: ReadonlySet<string>, error: Report): void {
  if (a2a.has(edge.from)) error(['edges', i, 'from'], `"${edge.from}" is an A2A agent: it answers requests through the protocol gateway and sends nothing here; draw a request edge to it instead.`);
  if (a2a.has(edge.to) && edge.kind !== 'request') error(['edges', i, 'kind'], `A ${edge.kind} edge cannot reach "${edge.to}": an A2A agent takes requests only (through the protocol gateway).`);
}

/** The problem of an example sent straight to an A2A agent, if it is one. */
export function a2aExampleProblem(topology: Topology, a2a: ReadonlySet<string>): string | null {
  const to = topology.metadata.example?.to;
  return to && a2a.has(to) ? `The example goes to "${to}", an A2A agent: send it to an agent of the topology that asks it.` : null;
}

/** Whether an http(s) URL names a user or password (`https://user:secret@host/`): an @ before the path. */
function hasUserInfo(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(url);
}

/** The host of an http(s) URL without port or IPv6 brackets (`http://[::1]:8080/x` → `::1`); isomorphic, no URL class. */
function hostOf(url: string): string {
  const authority = /^https?:\/\/([^/?#]*)/i.exec(url)?.[1] ?? '';
  return authority.replace(/:\d*$/, '').replace(/^\[(.*)\]$/, '$1');
}

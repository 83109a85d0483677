/** How `switchboard agents` prints what discovery found: a table a person reads in a terminal. */
import type { DiscoveredAgent } from '../../agents/protocol/discovered-agent.js';

/** One agent on one bus (the bus named when several were asked). */
export type ListedAgent = DiscoveredAgent & { bus: string };

/** "3 s ago", "2 min ago"; "—" when never heard (only a stored registration). */
export function ago(iso: string | null, now: number): string {
  if (iso === null) return '—';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (!Number.isFinite(s)) return '—';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** What an agent offers: its capabilities, or (Synadia) its endpoints with the prompt subject. */
export function offers(agent: DiscoveredAgent): string {
  if (agent.capabilities.length > 0) return agent.capabilities.join(', ');
  if (agent.protocol !== 'synadia') return '—';
  return agent.endpoints.map((e) => (e.name === 'prompt' ? `prompt (${e.subject})` : e.name)).join(', ') || '—';
}

/** A server without a `server_name` goes by its 56-character public key: its first 8 characters tell nodes apart. */
export const nodeText = (node: string | null): string => (node === null ? '—' : node.replace(/\bN[A-Z2-7]{55}\b/g, (key) => `${key.slice(0, 8)}…`));

/** The widest a cell prints: a service listing thousands of endpoints (or a long name) must not widen every row. */
export const MAX_CELL_CHARS = 80;

const fit = (text: string): string => (text.length > MAX_CELL_CHARS ? `${text.slice(0, MAX_CELL_CHARS - 1)}…` : text);

/** The table: NAME, PROTOCOL, CAPABILITIES / ENDPOINTS, STATUS, LAST SEEN, NODE (and BUS for several buses). */
export function agentsTable(agents: readonly ListedAgent[], now: number, withBus: boolean): string {
  const header = ['NAME', 'PROTOCOL', 'CAPABILITIES / ENDPOINTS', 'STATUS', 'LAST SEEN', 'NODE', ...(withBus ? ['BUS'] : [])];
  const rows = agents.map((a) =>
    [
      a.name,
      a.protocol,
      offers(a),
      a.instances > 1 ? `${a.status} (${a.instances} instances)` : a.status,
      ago(a.lastSeen, now),
      nodeText(a.node),
      ...(withBus ? [a.bus] : []),
    ].map(fit),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

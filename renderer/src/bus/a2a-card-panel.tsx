/**
 * "A2A agent by card URL": fetch an Agent2Agent card (`peer.getCard`), see who it is and what it
 * can do before adding it, then add it as an external agent your agents delegate to through the
 * protocol gateway. Sits under the Agents on the bus panel: A2A agents are reached over HTTP, not
 * found on the bus, so they are asked for by URL.
 */
import { useState, type FormEvent } from 'react';
import { addA2aPeerAt } from '../design/actions';
import { findA2aPeer } from '../design/model/add-a2a';
import { clearSpot } from '../design/model/positions';
import { useBusStore } from '../stores/bus-store';
import { useDocumentStore } from '../stores/document-store';
import { useStores } from '../stores/stores-context';

/** How many skills the card preview lists before "+N more". */
const SHOWN_SKILLS = 6;

/** The section. */
export function A2aCardPanel() {
  const stores = useStores();
  const card = useBusStore((s) => s.card);
  const fetchCard = useBusStore((s) => s.fetchCard);
  const clearCard = useBusStore((s) => s.clearCard);
  const topology = useDocumentStore((s) => s.topology);
  const readOnly = useDocumentStore((s) => s.readOnly);
  const [url, setUrl] = useState('');
  const summary = card?.summary ?? null;
  const onCanvas = summary && topology ? findA2aPeer(topology, summary.cardUrl) : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = url.trim();
    if (trimmed !== '') void fetchCard(trimmed);
  };
  const add = () => {
    if (!summary) return;
    const design = stores.design.getState();
    const at = design.viewport?.center() ?? { x: 0, y: 0 };
    const shown = Object.values({ ...design.viewPositions, ...stores.document.getState().topology?.layout.nodes });
    if (addA2aPeerAt(stores, summary, clearSpot({ x: at.x - 100, y: at.y - 40 }, shown))) {
      clearCard();
      setUrl('');
    }
  };

  return (
    <section className="a2a-card-panel" aria-label="A2A agent by card URL" data-testid="a2a-card-panel">
      <h2 className="panel-title">A2A agent</h2>
      <form className="a2a-card-form" onSubmit={submit}>
        <input
          type="url"
          value={url}
          placeholder="https://agent.example.com"
          aria-label="Agent card URL"
          spellCheck={false}
          data-testid="a2a-card-url"
          onChange={(e) => setUrl(e.target.value)}
        />
        <button type="submit" className="btn btn-small" disabled={card?.busy || url.trim() === ''} data-testid="a2a-card-fetch">
          {card?.busy ? 'Fetching…' : 'Fetch card'}
        </button>
      </form>
      {!card && <p className="panel-note">The agent’s base URL (its card is read from /.well-known/agent-card.json) or the card’s own URL.</p>}
      {card?.error && (
        <p className="bus-error" role="alert" data-testid="a2a-card-error">
          {card.error}
        </p>
      )}
      {summary && (
        <div className="bus-agent a2a-card" data-testid="a2a-card">
          <div className="bus-agent-top">
            <span className="bus-protocol bus-protocol-a2a">A2A {summary.endpoint.protocolVersion}</span>
            <span className="muted">{summary.streaming ? 'streams' : 'no streaming'}</span>
          </div>
          <div className="bus-agent-name">{summary.name}</div>
          {summary.description && <div className="bus-agent-line">{summary.description}</div>}
          <div className="bus-agent-line muted mono" title={`${summary.endpoint.binding} endpoint`}>
            {summary.endpoint.binding} {summary.endpoint.url}
          </div>
          <SkillList skills={summary.skills} />
          <button type="button" className="btn btn-small bus-add" onClick={add} disabled={readOnly} data-testid="a2a-card-add" title={onCanvas ? `Already on the canvas as ${onCanvas}: select it` : 'Add it to the canvas as an external A2A agent'}>
            {onCanvas ? `On the canvas: ${onCanvas}` : 'Add to canvas'}
          </button>
        </div>
      )}
    </section>
  );
}

/** A card's skills: name and description of the first few, then how many more. */
function SkillList({ skills }: { skills: readonly { id: string; name: string; description: string }[] }) {
  if (skills.length === 0) return <div className="bus-agent-line muted">No skills listed on its card.</div>;
  return (
    <ul className="a2a-skills" data-testid="a2a-card-skills">
      {skills.slice(0, SHOWN_SKILLS).map((skill) => (
        <li key={skill.id} title={skill.description || skill.id}>
          <span className="a2a-skill-name">{skill.name || skill.id}</span>
          {skill.description && <span className="muted"> — {skill.description}</span>}
        </li>
      ))}
      {skills.length > SHOWN_SKILLS && <li className="muted">+{skills.length - SHOWN_SKILLS} more</li>}
    </ul>
  );
}

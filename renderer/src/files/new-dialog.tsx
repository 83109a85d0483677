/** File > New: a gallery of the templates, each with a picture of its graph, and Blank. */
import { Modal } from './modal';
import { TemplatePicture } from './template-picture';
import { useFilesStore } from '../stores/files-store';

/** The template gallery. */
export function NewDialog() {
  const templates = useFilesStore((s) => s.templates);
  const newFromTemplate = useFilesStore((s) => s.newFromTemplate);
  const show = useFilesStore((s) => s.show);
  const close = () => show(null);
  return (
    <Modal title="New topology" onClose={close} testId="new-dialog" size="large">
      <p className="modal-lead">Start from a collaboration pattern, or from nothing. Everything runs offline with scripted models until you pick real ones.</p>
      <ul className="gallery" aria-label="Templates">
        <li>
          <button type="button" className="gallery-card" data-testid="template-blank" onClick={() => newFromTemplate(null)}>
            <div className="template-picture template-picture-blank" aria-hidden="true">
              +
            </div>
            <span className="gallery-name">Blank</span>
            <span className="gallery-description">An empty topology: drag agents, tools and blackboards in from the palette.</span>
          </button>
        </li>
        {templates === null && <li className="muted gallery-loading">Loading templates…</li>}
        {templates?.map((template) => (
          <li key={template.id}>
            <button type="button" className="gallery-card" data-testid={`template-${template.id}`} onClick={() => newFromTemplate(template)}>
              <TemplatePicture text={template.text} label={`The ${template.name} graph`} />
              <span className="gallery-name">{template.name}</span>
              <span className="gallery-description">{template.description}</span>
            </button>
          </li>
        ))}
      </ul>
    </Modal>
  );
}

/**
 * The export formats as the Export dialog presents them, and the previews the renderer can make
 * itself (yaml, json, mermaid: no secrets, no keys). nats-conf and compose make nkeys, which
 * only the host does: their previews come from `topology.export`. Pure.
 */
import { exportTopology, type ExportFormat, type ExportedFile } from '../../../agents/topology/export/index';
import { MAX_CLUSTER_NODES } from '../../../agents/topology/export/nats-cluster';
import type { Topology } from '../../../agents/topology/schema';

/** One format of the Export dialog. */
export interface FormatInfo {
  format: ExportFormat;
  label: string;
  description: string;
  /** Previewed by the host (it makes nkeys, and the seeds never reach the UI). */
  viaHost: boolean;
  /** Can be a cluster of several nats-server nodes (the dialog's "Cluster nodes"). */
  cluster?: { hint: string };
}

/** The formats, in menu order. */
export const FORMATS: readonly FormatInfo[] = [
  { format: 'yaml', label: 'YAML', description: 'The topology file itself, as Save writes it.', viaHost: false },
  { format: 'json', label: 'JSON', description: 'The same topology as JSON, for tools that prefer it.', viaHost: false },
  { format: 'mermaid', label: 'Mermaid', description: 'A flowchart of agents and channels for docs and READMEs.', viaHost: false },
  {
    format: 'nats-conf',
    label: 'NATS server config',
    description: 'nats-server.conf with one nkey user per agent and least-privilege permissions, plus the seeds.',
    viaHost: true,
    cluster: { hint: 'A config per node with routes and JetStream; users shared; route password secret.' },
  },
  {
    format: 'compose',
    label: 'Docker Compose',
    description: 'compose.yaml running nats-server and the agents, with the config and seeds it mounts.',
    viaHost: true,
    cluster: { hint: 'A nats service per node, routed by name; the agents spread over the nodes.' },
  },
];

/** The "Cluster nodes" choices: 1 (one server) to the most an export makes. */
export const CLUSTER_CHOICES: readonly number[] = Array.from({ length: MAX_CLUSTER_NODES }, (_, i) => i + 1);

/** A previewed file: content null for a secret, which is written to disk only. */
export interface PreviewFile {
  name: string;
  content: string | null;
  secret: boolean;
}

/** The preview of a format the renderer exports itself. */
export function localPreview(topology: Topology, format: ExportFormat, baseName: string): PreviewFile[] {
  return exportTopology(topology, format, { baseName }).files.map((f: ExportedFile) => ({ name: f.name, content: f.secret ? null : f.content, secret: f.secret ?? false }));
}

/** The base name exports use: the file's name without its extension (as the host computes it). */
export function exportBaseName(fileName: string): string {
  return fileName.replace(/^.*[\\/]/, '').replace(/\.(ya?ml|json)$/i, '') || 'topology';
}

/** A folder to suggest for "Write to folder": beside the file, named after it and the format. */
export function suggestedFolder(path: string | null, fileName: string, format: ExportFormat): string {
  const dir = path ? path.replace(/[\\/][^\\/]*$/, '') : '';
  const folder = `${exportBaseName(fileName)}-${format}`;
  return dir ? `${dir}/${folder}` : folder;
}

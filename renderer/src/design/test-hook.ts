/**
 * A hook for end-to-end tests and the benchmark, installed only when the page URL has `?test`:
 * open a topology's text as a new document and read the document and selection back. Nothing is
 * exposed in normal use.
 */
import type { Topology } from '../../../agents/topology/schema';
import type { Problem } from '../../../agents/topology/validate';
import type { Selection } from '../stores/design-store';
import type { DesignStores } from './actions';

/** What tests can call. */
export interface SwitchboardTestHook {
  open(text: string, fileName?: string): { ok: boolean; problems: Problem[] };
  topology(): Topology | null;
  problems(): Problem[];
  selection(): Selection;
  /** Labels of the undo history, oldest first. */
  history(): string[];
}

declare global {
  interface Window {
    __switchboardTest?: SwitchboardTestHook;
  }
}

/** Installs the hook when the URL asks for it. */
export function installTestHook(stores: DesignStores): void {
  if (!new URLSearchParams(location.search).has('test')) return;
  const doc = () => stores.document.getState();
  window.__switchboardTest = {
    open: (text, fileName = 'test.yaml') => doc().open(text, { path: null, fileName }),
    topology: () => doc().topology,
    problems: () => doc().problems,
    selection: () => stores.design.getState().selection,
    history: () => doc().past.map((e) => e.label),
  };
}

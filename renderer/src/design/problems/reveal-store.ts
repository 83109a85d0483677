/**
 * "Show me where this is": the Problems list asks, and whoever shows the document listens — the
 * canvas selects and centres the node or line, the source view moves to the line. Each request
 * has a new `seq`, so asking twice for the same place reveals it twice.
 */
import { create } from 'zustand';
import type { ElementRef } from '../model/problem-targets';

/** One request to reveal a place in the document. */
export interface RevealRequest {
  /** The path into the file (`['spec','edges',3,'to']`). */
  path: (string | number)[];
  /** 1-based line and column in the YAML text, when known. */
  line?: number;
  column?: number;
  /** The canvas element the path is about, when there is one. */
  target: ElementRef | null;
  seq: number;
}

/** The latest request and the function that makes one. */
export interface RevealStore {
  request: RevealRequest | null;
  reveal(request: Omit<RevealRequest, 'seq'>): void;
}

let seq = 0;

export const useRevealStore = create<RevealStore>()((set) => ({
  request: null,
  reveal: (request) => set({ request: { ...request, seq: ++seq } }),
}));

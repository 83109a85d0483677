/** Which view the centre shows (the canvas or the YAML source), and where to reveal in the source. */
import { create } from 'zustand';

/** The centre's views. */
export type CentreView = 'design' | 'source';

/** Centre view state. */
export interface CentreViewStore {
  view: CentreView;
  /** A place the source view should show and put the cursor on; `seq` makes repeats count. */
  reveal: { line: number; column: number; seq: number } | null;
  setView(view: CentreView): void;
  /** Switches to the source view at a line and column (a problem's place). */
  revealInSource(line: number, column?: number): void;
}

/** The centre view store. */
export const useCentreView = create<CentreViewStore>()((set, get) => ({
  view: 'design',
  reveal: null,
  setView: (view) => set({ view }),
  revealInSource: (line, column = 1) => set({ view: 'source', reveal: { line, column, seq: (get().reveal?.seq ?? 0) + 1 } }),
}));

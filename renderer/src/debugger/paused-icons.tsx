/** The debugger's toolbar icons (inline SVG: the pause and step glyphs are missing from many fonts), drawn like VS Code's. */

const common = { width: 14, height: 14, viewBox: '0 0 16 16', 'aria-hidden': true, focusable: false } as const;

/** ▶ Continue. */
export const ContinueIcon = () => (
  <svg {...common} fill="currentColor">
    <path d="M3 2.5v11l9-5.5z" />
  </svg>
);

/** Step: an arrow down into the next phase. */
export const StepIcon = () => (
  <svg {...common} fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round">
    <path d="M8 1.5v8M4.5 6.5 8 10l3.5-3.5" />
    <circle cx="8" cy="13.5" r="1.4" fill="currentColor" stroke="none" />
  </svg>
);

/** Step over: an arc over the rest of the cycle. */
export const StepOverIcon = () => (
  <svg {...common} fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round">
    <path d="M2.5 9a5.5 5.5 0 0 1 11 0M13.5 4.5V9H9" />
    <circle cx="8" cy="13.5" r="1.4" fill="currentColor" stroke="none" />
  </svg>
);

/** ❙❙ Pause. */
export const PauseIcon = () => (
  <svg {...common} fill="currentColor">
    <rect x="3.5" y="2.5" width="3" height="11" rx="0.8" />
    <rect x="9.5" y="2.5" width="3" height="11" rx="0.8" />
  </svg>
);

/** ▶▶ Continue all. */
export const ContinueAllIcon = () => (
  <svg {...common} fill="currentColor">
    <path d="M1.5 3v10l6-5zM8.5 3v10l6-5z" />
  </svg>
);

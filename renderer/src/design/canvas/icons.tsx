/** Small inline icons for roles and node kinds (no icon font: the app works offline). */
import type { ReactNode } from 'react';

const svg = (children: ReactNode, label: string) => (
  <svg className="icon" width="16" height="16" viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" role="img" aria-label={label}>
    {children}
  </svg>
);

const ROLE_ICONS: Record<string, ReactNode> = {
  assistant: <path d="M2.5 3.5h11v7h-6l-3 2.5v-2.5h-2z" />,
  specialist: <path d="M8 1.8l1.8 3.9 4.2.5-3.1 2.9.8 4.2L8 11.2l-3.7 2.1.8-4.2L2 6.2l4.2-.5z" />,
  coordinator: (
    <>
      <circle cx="8" cy="8" r="2.2" />
      <circle cx="2.8" cy="3.2" r="1.3" />
      <circle cx="13.2" cy="3.2" r="1.3" />
      <circle cx="8" cy="14" r="1.3" />
      <path d="M3.8 4.2l2.5 2.3M12.2 4.2 9.7 6.5M8 10.2v2.5" />
    </>
  ),
  dispatcher: <path d="M2 8h4M6 8l7-5M6 8h7M6 8l7 5M11 2.5 13 3l-.6 2M11 13.5l2-.5-.6-2" />,
  peer: (
    <>
      <circle cx="5" cy="6" r="2.2" />
      <circle cx="11" cy="6" r="2.2" />
      <path d="M1.5 13.5c.5-2.2 2-3.3 3.5-3.3s3 1.1 3.5 3.3M7.5 13.5c.5-2.2 2-3.3 3.5-3.3s3 1.1 3.5 3.3" />
    </>
  ),
  finalizer: <path d="M2.5 8.5l3.5 3.5 7.5-8" />,
  auctioneer: <path d="M6.5 2.5l4 4M4.5 4.5l4-2 3 3-2 4zM8.5 8.5 3 14M9 14h5" />,
  bidder: <path d="M2 8.5 8.5 2H14v5.5L7.5 14zM11 5h.01" />,
};

/** The icon of an agent's role. */
export const RoleIcon = ({ role }: { role: string }) => svg(ROLE_ICONS[role] ?? ROLE_ICONS['assistant'], role);

/** A wrench: a tool. */
export const ToolIcon = () => svg(<path d="M10 2.2a3.5 3.5 0 0 0-3.8 4.6L2.3 10.7a1.4 1.4 0 0 0 2 2l3.9-3.9A3.5 3.5 0 0 0 12.8 5l-2 2-1.8-.3-.3-1.8 2-2z" />, 'tool');

/** A plug: an MCP server. */
export const McpIcon = () => svg(<path d="M5.5 1.5v3M10.5 1.5v3M3.5 4.5h9v3a4.5 4.5 0 0 1-9 0zM8 12v2.5" />, 'MCP server');

/** A globe: an agent that runs elsewhere. */
export const ExternalIcon = () =>
  svg(
    <>
      <circle cx="8" cy="8" r="6" />
      <path d="M2 8h12M8 2c2 2 2 10 0 12M8 2c-2 2-2 10 0 12" />
    </>,
    'external agent',
  );

/** A cylinder: a blackboard (a KV bucket). */
export const BoardIcon = () =>
  svg(
    <>
      <ellipse cx="8" cy="3.8" rx="5.5" ry="2" />
      <path d="M2.5 3.8v8.4c0 1.1 2.5 2 5.5 2s5.5-.9 5.5-2V3.8M2.5 8c0 1.1 2.5 2 5.5 2s5.5-.9 5.5-2" />
    </>,
    'blackboard',
  );

/**
 * Aligns two runs' conversations message by message. Agents run concurrently, so two equivalent
 * runs interleave their messages differently; what stays put is the order within one channel
 * (sender → receiver). So each channel is diffed on its own (Myers on hashed keys, bounded; past
 * the bound, for huge and totally different channels, messages are matched by key alone), equal
 * messages left over that merely moved within their channel are paired too, and what remains of a
 * stretch pairs by type as changed. The rows are then laid out in run A's order, each B-only row
 * after the A row its nearest matched predecessor in B stands for.
 * Pure and isomorphic; works on plain keys, so the CLI (NDJSON) and the host (stores) share it.
 */

/** What alignment needs of one message: its channel, its type and a hash of type + content. */
export interface MessageKey {
  from: string;
  to: string | null;
  type: string;
  /** {@link messageHash} of type and content: equal hashes are equal messages. */
  hash: number;
}

/** Row statuses as stored in {@link Alignment.status}. */
export const SAME = 0;
export const CHANGED = 1;
export const ONLY_A = 2;
export const ONLY_B = 3;

/** The whole alignment, as parallel typed arrays (a 1M-message alignment stays small). */
export interface Alignment {
  /** Per row: the index of its message in A's list, or -1. */
  a: Int32Array;
  /** Per row: the index of its message in B's list, or -1. */
  b: Int32Array;
  /** Per row: SAME, CHANGED, ONLY_A or ONLY_B. */
  status: Uint8Array;
  same: number;
  changed: number;
  onlyA: number;
  onlyB: number;
  /** The first row that is not SAME, or null. */
  firstDivergence: number | null;
  /** Channels whose diff went past the cost bound: their messages were matched by key alone, then by type in order. */
  fallbacks: number;
}

/** Bounds of the per-channel diff. */
export interface AlignOptions {
  /** The most edits Myers looks for in one channel before falling back (default 2,048). */
  maxEdits?: number;
  /** The most snake steps Myers takes over the whole alignment before every later channel falls back (default 10 million). */
  maxWork?: number;
}

/**
 * A 53-bit hash (cyrb53) of a message's type and content, trailing whitespace ignored: content is
 * content (ids and times in it count), but a trailing newline is not a different message.
 */
export function messageHash(type: string, content: string): number {
  const text = `${type}\u0000${content.trimEnd()}`;
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** One channel's messages: indices into A's and B's lists, in order. */
interface Channel {
  id: number;
  a: number[];
  b: number[];
}

/** Aligns `a` and `b` per channel and lays the rows out in A's order. */
export function alignConversations(a: readonly MessageKey[], b: readonly MessageKey[], options: AlignOptions = {}): Alignment {
  const maxEdits = options.maxEdits ?? 2048;
  const budget = { work: options.maxWork ?? 10_000_000 };
  const channels = new Map<string, Channel>();
  const channelOf = (key: MessageKey): Channel => {
    const name = `${key.from}\u0000${key.to ?? ''}`;
    let channel = channels.get(name);
    if (!channel) channels.set(name, (channel = { id: channels.size, a: [], b: [] }));
    return channel;
  };
  a.forEach((key, i) => channelOf(key).a.push(i));
  const channelOfB = new Int32Array(b.length);
  b.forEach((key, j) => {
    const channel = channelOf(key);
    channel.b.push(j);
    channelOfB[j] = channel.id;
  });

  // Per message: its partner on the other side (-1: none); per A message its status.
  const partnerOfA = new Int32Array(a.length).fill(-1);
  const partnerOfB = new Int32Array(b.length).fill(-1);
  const statusOfA = new Uint8Array(a.length).fill(ONLY_A);
  const pair = (i: number, j: number, status: number) => {
    partnerOfA[i] = j;
    partnerOfB[j] = i;
    statusOfA[i] = status;
  };
  let fallbacks = 0;
  for (const channel of channels.values()) {
    const ha = Float64Array.from(channel.a, (i) => a[i]!.hash);
    const hb = Float64Array.from(channel.b, (j) => b[j]!.hash);
    const script = diffChannel(ha, hb, maxEdits, budget);
    // The stretches between equal runs: the whole channel when the diff went past its bound.
    const hunks: { xs: number[]; ys: number[] }[] = [];
    if (script === null) {
      fallbacks++;
      hunks.push({ xs: channel.a.map((_, x) => x), ys: channel.b.map((_, y) => y) });
    } else {
      let hunk = { xs: [] as number[], ys: [] as number[] };
      for (let k = 0; k < script.length; k += 2) {
        const x = script[k]!;
        const y = script[k + 1]!;
        if (x >= 0 && y >= 0) {
          if (hunk.xs.length || hunk.ys.length) hunks.push(hunk);
          hunk = { xs: [], ys: [] };
          pair(channel.a[x]!, channel.b[y]!, SAME);
        } else if (x >= 0) hunk.xs.push(x);
        else hunk.ys.push(y);
      }
      if (hunk.xs.length || hunk.ys.length) hunks.push(hunk);
    }
    // A message that moved within its channel (two concurrent requests sent the other way round)
    // is still the same message: identical keys left over are paired in order.
    const waiting = new Map<number, number[]>();
    for (const { xs } of hunks) for (const x of xs) (waiting.get(ha[x]!) ?? waiting.set(ha[x]!, []).get(ha[x]!)!).push(x);
    if (waiting.size > 0) {
      const taken = new Map<number, number>();
      for (const { ys } of hunks)
        for (const y of ys) {
          const queue = waiting.get(hb[y]!);
          const at = taken.get(hb[y]!) ?? 0;
          if (!queue || at >= queue.length) continue;
          taken.set(hb[y]!, at + 1);
          pair(channel.a[queue[at]!]!, channel.b[y]!, SAME);
        }
    }
    // What is left: same-type messages are one message changed, within a stretch first, then
    // across the channel (a changed message that also moved).
    const typeA = (x: number) => a[channel.a[x]!]!.type;
    const typeB = (y: number) => b[channel.b[y]!]!.type;
    const changed = (x: number, y: number) => pair(channel.a[x]!, channel.b[y]!, CHANGED);
    const restA = (xs: number[]) => xs.filter((x) => partnerOfA[channel.a[x]!] === -1);
    const restB = (ys: number[]) => ys.filter((y) => partnerOfB[channel.b[y]!] === -1);
    for (const { xs, ys } of hunks) pairHunk(restA(xs), restB(ys), typeA, typeB, changed);
    if (hunks.length > 1) pairHunk(restA(hunks.flatMap((h) => h.xs)), restB(hunks.flatMap((h) => h.ys)), typeA, typeB, changed);
  }
  return layout(partnerOfA, partnerOfB, statusOfA, channelOfB, channels.size, fallbacks);
}

/**
 * Lays rows out in A's order. Each B-only message goes after the A row of the last B message
 * before it that has a partner (before everything when none has) — kept between the partners of
 * its own channel's neighbours, so a channel's order holds — and B-only ones in B's order.
 */
function layout(partnerOfA: Int32Array, partnerOfB: Int32Array, statusOfA: Uint8Array, channelOfB: Int32Array, channels: number, fallbacks: number): Alignment {
  const nA = partnerOfA.length;
  const nB = partnerOfB.length;
  // The A position of the next partnered B message in the same channel, per B-only message (nA: none).
  const nextInChannel = new Int32Array(nB);
  const upcoming = new Int32Array(channels).fill(nA);
  for (let j = nB - 1; j >= 0; j--) {
    if (partnerOfB[j]! >= 0) upcoming[channelOfB[j]!] = partnerOfB[j]!;
    else nextInChannel[j] = upcoming[channelOfB[j]!]!;
  }
  const lastInChannel = new Int32Array(channels).fill(-1);
  // Buckets of B-only messages, as linked lists: bucket p + 1 follows A row p, bucket 0 comes first.
  const head = new Int32Array(nA + 1).fill(-1);
  const tail = new Int32Array(nA + 1).fill(-1);
  const next = new Int32Array(nB).fill(-1);
  let anchor = -1;
  let onlyB = 0;
  for (let j = 0; j < nB; j++) {
    const partner = partnerOfB[j]!;
    if (partner >= 0) {
      anchor = partner;
      lastInChannel[channelOfB[j]!] = partner;
      continue;
    }
    onlyB++;
    const bucket = Math.min(Math.max(anchor, lastInChannel[channelOfB[j]!]!), nextInChannel[j]! - 1) + 1;
    lastInChannel[channelOfB[j]!] = bucket - 1; // the next B-only one of the channel goes no earlier
    if (head[bucket] === -1) head[bucket] = j;
    else next[tail[bucket]!] = j;
    tail[bucket] = j;
  }
  const total = nA + onlyB;
  const rowA = new Int32Array(total);
  const rowB = new Int32Array(total);
  const status = new Uint8Array(total);
  const counts = [0, 0, 0, 0];
  let firstDivergence: number | null = null;
  let row = 0;
  const put = (i: number, j: number, s: number) => {
    rowA[row] = i;
    rowB[row] = j;
    status[row] = s;
    counts[s]!++;
    if (s !== SAME && firstDivergence === null) firstDivergence = row;
    row++;
  };
  const bucket = (p: number) => {
    for (let j = head[p]!; j !== -1; j = next[j]!) put(-1, j, ONLY_B);
  };
  bucket(0);
  for (let i = 0; i < nA; i++) {
    put(i, partnerOfA[i]!, statusOfA[i]!);
    bucket(i + 1);
  }
  return { a: rowA, b: rowB, status, same: counts[SAME]!, changed: counts[CHANGED]!, onlyA: counts[ONLY_A]!, onlyB: counts[ONLY_B]!, firstDivergence, fallbacks };
}

/** Hunks up to this many cells (|A| × |B|) pair their messages by an LCS of types; larger ones by position. */
const HUNK_LCS_CELLS = 65_536;

/** Pairs a hunk's deleted and inserted messages of the same type (in order) as changed. */
function pairHunk(xs: readonly number[], ys: readonly number[], typeA: (x: number) => string, typeB: (y: number) => string, changed: (x: number, y: number) => void): void {
  const n = xs.length;
  const m = ys.length;
  if (n === 0 || m === 0) return;
  if (n * m > HUNK_LCS_CELLS) {
    for (let k = 0; k < Math.min(n, m); k++) if (typeA(xs[k]!) === typeB(ys[k]!)) changed(xs[k]!, ys[k]!);
    return;
  }
  // LCS table over types, suffix form: lcs[i][j] for xs[i..], ys[j..].
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    const t = typeA(xs[i]!);
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * width + j] = t === typeB(ys[j]!) ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  for (let i = 0, j = 0; i < n && j < m; ) {
    if (typeA(xs[i]!) === typeB(ys[j]!)) changed(xs[i++]!, ys[j++]!);
    else if (lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!) i++;
    else j++;
  }
}

/**
 * Myers' O((N+M)·D) diff of two hash arrays after trimming their common ends: an edit script as
 * flat pairs (x, y) (both ≥ 0: equal; y = -1: only in A; x = -1: only in B), in order; null when
 * more than `maxEdits` edits or the shared work budget would be needed.
 */
export function diffChannel(a: Float64Array, b: Float64Array, maxEdits: number, budget: { work: number }): number[] | null {
  const out: number[] = [];
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  for (let k = 0; k < start; k++) out.push(k, k);
  const middle = myers(a, b, start, endA, start, endB, maxEdits, budget);
  if (middle === null) return null;
  for (const op of middle) out.push(op);
  for (let k = 0; endA + k < a.length; k++) out.push(endA + k, endB + k);
  return out;
}

/** Myers on a[aLo, aHi) and b[bLo, bHi) with no common ends; the script as in {@link diffChannel}. */
function myers(a: Float64Array, b: Float64Array, aLo: number, aHi: number, bLo: number, bHi: number, maxEdits: number, budget: { work: number }): number[] | null {
  const n = aHi - aLo;
  const m = bHi - bLo;
  const ops: number[] = [];
  if (n === 0 || m === 0) {
    for (let x = 0; x < n; x++) ops.push(aLo + x, -1);
    for (let y = 0; y < m; y++) ops.push(-1, bLo + y);
    return ops;
  }
  const max = Math.min(n + m, maxEdits);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  // trace[d]: v[offset - d .. offset + d] as it was when step d began (for the walk back).
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice(offset - d, offset + d + 1));
    budget.work -= d + 1;
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      const x0 = x;
      while (x < n && y < m && a[aLo + x] === b[bLo + y]) {
        x++;
        y++;
      }
      budget.work -= x - x0;
      v[offset + k] = x;
      if (x >= n && y >= m) return walkBack(trace, d, n, m, aLo, bLo);
    }
    if (budget.work < 0) return null;
  }
  return null;
}

/** The edit script from Myers' saved frontiers, in order. */
function walkBack(trace: Int32Array[], dEnd: number, n: number, m: number, aLo: number, bLo: number): number[] {
  const rev: number[] = []; // pairs pushed in reverse order
  let x = n;
  let y = m;
  for (let d = dEnd; d > 0; d--) {
    const v = trace[d]!; // v[k + d] holds the frontier of diagonal k when step d began
    const k = x - y;
    const prevK = k === -d || (k !== d && v[k - 1 + d]! < v[k + 1 + d]!) ? k + 1 : k - 1;
    const prevX = v[prevK + d]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) rev.push(aLo + --x, bLo + --y);
    if (x === prevX) rev.push(-1, bLo + --y);
    else rev.push(aLo + --x, -1);
  }
  while (x > 0 && y > 0) rev.push(aLo + --x, bLo + --y);
  const ops: number[] = [];
  for (let k = rev.length - 2; k >= 0; k -= 2) ops.push(rev[k]!, rev[k + 1]!);
  return ops;
}

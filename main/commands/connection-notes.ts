/**
 * What `switchboard run` prints when its agents' NATS connections lose their server (a cluster
 * node's loss) and get back: one line per lost server and one when the last of its connections is
 * back, not one per agent. Without --trace nothing else says it (the recorder's bus.disconnected
 * needs a recorder; server-notes.ts follows only the run's own connection).
 */
import type { NatsConnection, Status } from '@nats-io/transport-node';

/** One server lost: when, and the connections not yet back. */
interface Loss {
  at: number;
  down: Set<object>;
  /** Where the connections came back (usually one survivor; nats.js picks one per connection). */
  to: Set<string>;
  back: number;
}

/** Collects status events of many connections into one line per loss. */
export class ConnectionNotes {
  private readonly losses = new Map<string, Loss>();
  /** The server each connection lost and is not back from. */
  private readonly lostBy = new Map<object, string>();

  constructor(
    private readonly print: (text: string) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Follows `nc`'s status events until it closes. */
  follow(nc: NatsConnection): void {
    void (async () => {
      for await (const status of nc.status()) this.note(nc, status);
    })().catch(() => undefined); // a connection closing ends its iterator: nothing to report
  }

  /** One status event of connection `conn` (exported for the unit test). */
  note(conn: object, status: Status): void {
    if (status.type === 'disconnect') {
      const server = withScheme(status.server);
      if (this.lostBy.has(conn)) return; // already down (a reconnect attempt's failure)
      let loss = this.losses.get(server);
      if (!loss) {
        loss = { at: this.now(), down: new Set(), to: new Set(), back: 0 };
        this.losses.set(server, loss);
        this.print(`nats: lost ${server}; its connections reconnect to the other servers…`);
      }
      loss.down.add(conn);
      this.lostBy.set(conn, server);
    } else if (status.type === 'reconnect' || status.type === 'close') {
      const server = this.lostBy.get(conn);
      if (server === undefined) return;
      this.lostBy.delete(conn);
      const loss = this.losses.get(server)!;
      loss.down.delete(conn);
      if (status.type === 'reconnect') {
        loss.to.add(withScheme(status.server));
        loss.back++;
      }
      if (loss.down.size > 0) return;
      this.losses.delete(server);
      // A stop closing connections still down is the run's end, not a recovery: nothing to say.
      if (loss.back === 0) return;
      const ms = Math.round(this.now() - loss.at);
      this.print(`nats: lost ${server}; reconnected to ${[...loss.to].join(', ')} after ${ms} ms (${loss.back} connection${loss.back === 1 ? '' : 's'})`);
    }
  }
}

/** nats.js names a server `host:port`; said as a URL, like the --nats flag's. */
function withScheme(server: string): string {
  return /^[a-z]+:\/\//i.test(server) ? server : `nats://${server}`;
}

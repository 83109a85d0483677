/** What `switchboard run` prints when its embedded nats-server dies and the supervisor brings it back. */
import type { StatusListener } from '../host/nats/server-handle.js';

/** A status listener that prints one line when the server goes down and one when it is back. */
export function serverNotes(print: (text: string) => void): StatusListener {
  let down = false;
  return (status) => {
    if (status.state === 'restarting' && !down) {
      down = true;
      const what = status.mode === 'embedded' ? `${status.lastError ?? 'it went down.'} Restarting it` : `lost ${status.clientUrl ?? 'the server'}; reconnecting`;
      print(`nats-server: ${what}; agents reconnect by themselves.`);
    } else if (status.state === 'running' && down) {
      down = false;
      print(`nats-server: back at ${status.clientUrl ?? 'its address'}.`);
    }
  };
}

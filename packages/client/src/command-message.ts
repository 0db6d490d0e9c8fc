import { Events } from '@vip-presence/protocol';
import type { Command } from './presence-core.js';

const EVENT_OF: Record<Command['type'], string> = {
  join: Events.Join,
  leave: Events.Leave,
  watch: Events.Watch,
  unwatch: Events.Unwatch,
};

/** The event and payload a command of the core goes to the server as. */
export function commandMessage(command: Command): [event: string, payload: object] {
  // An undefined token is left out of the JSON.
  const payload =
    command.type === 'watch' || command.type === 'unwatch'
      ? { postIds: command.postIds }
      : { postId: command.postId, token: command.token };
  return [EVENT_OF[command.type], payload];
}

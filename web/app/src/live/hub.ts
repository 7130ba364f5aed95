// The workspace's two live streams (/events/channels and /events/status), opened once per
// workspace by the workspace screen; every component subscribes here, none opens its own
// EventSource. EventSource reconnects by itself and resumes with Last-Event-ID, so nothing
// committed while it was away is lost; past the server's replay window it gets `reset`.

export interface LiveEvent {
  type: string;
  seq?: number;
  workspaceId: string;
  channelId?: string;
  // The payload's shape depends on the type (see the README's event list).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data: any;
}

type Listener = (event: LiveEvent) => void;

export class LiveHub {
  private sources: EventSource[] = [];
  private listeners = new Map<string, Set<Listener>>();
  private workspaceId?: string;

  /**
   * Opens both streams and resolves when the channel stream says `ready`: from then on every
   * change is delivered, so a snapshot loaded after this promise misses nothing.
   */
  open(workspaceId: string): Promise<void> {
    this.close();
    this.workspaceId = workspaceId;
    const q = `workspaceId=${encodeURIComponent(workspaceId)}`;
    const channels = new EventSource(`/events/channels?${q}`);
    const status = new EventSource(`/events/status?${q}`);
    this.sources = [channels, status];
    let settle = () => {};
    let gaveUp = false;
    const ready = new Promise<void>((resolve) => {
      settle = resolve;
      const off = this.on("ready", () => {
        off();
        // The page stopped waiting and loaded its state before the stream was live: what happened in
        // between reached neither, so start again from the server's state (as after a replay gap).
        if (gaveUp && this.workspaceId === workspaceId) this.dispatch({ type: "reset", workspaceId, data: {} });
        resolve();
      });
      // A stream that stays unanswered must not hang the page for ever.
      setTimeout(() => { gaveUp = true; resolve(); }, 5000);
    });
    for (const source of this.sources) {
      source.onmessage = (m) => {
        if (this.workspaceId !== workspaceId) return;
        this.dispatch(JSON.parse(m.data) as LiveEvent);
      };
      source.onerror = () => {
        // Refused (not a member: 404; too many streams: 429): EventSource gives up, and the
        // page learns why from its own requests.
        if (source.readyState === EventSource.CLOSED) settle();
        this.dispatch({ type: "connection", workspaceId, data: { state: "reconnecting" } });
      };
      source.onopen = () => this.dispatch({ type: "connection", workspaceId, data: { state: "open" } });
    }
    return ready;
  }

  close(): void {
    for (const s of this.sources) s.close();
    this.sources = [];
    this.workspaceId = undefined;
  }

  /** Subscribes to one event type ("*" for all); returns the unsubscribe function. */
  on(type: string, listener: Listener): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => { set.delete(listener); };
  }

  private dispatch(event: LiveEvent): void {
    for (const key of [event.type, "*"]) this.listeners.get(key)?.forEach((l) => l(event));
  }
}

export const hub = new LiveHub();

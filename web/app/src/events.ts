// The app shell opens the two event streams once per workspace and every view
// subscribes here; no component creates its own EventSource.

export interface WorkspaceEvent {
  type: string;
  seq?: number;
  workspaceId: string;
  channelId?: string;
  data: any;
}

type Listener = (event: WorkspaceEvent) => void;

export class EventHub {
  private channels?: EventSource;
  private status?: EventSource;
  private listeners = new Map<string, Set<Listener>>();
  private workspaceId?: string;

  /** Opens both streams for a workspace; EventSource reconnects by itself and resumes with Last-Event-ID. */
  open(workspaceId: string): void {
    if (this.workspaceId === workspaceId) return;
    this.close();
    this.workspaceId = workspaceId;
    this.channels = new EventSource(`/events/channels?workspaceId=${workspaceId}`);
    this.status = new EventSource(`/events/status?workspaceId=${workspaceId}`);
    for (const source of [this.channels, this.status]) {
      source.onmessage = (m) => this.dispatch(JSON.parse(m.data) as WorkspaceEvent);
      source.onerror = () => this.dispatch({ type: "connection", workspaceId, data: { state: "reconnecting" } });
      source.onopen = () => this.dispatch({ type: "connection", workspaceId, data: { state: "open" } });
    }
  }

  close(): void {
    this.channels?.close();
    this.status?.close();
    this.channels = this.status = this.workspaceId = undefined;
  }

  /** Subscribes to one event type ("*" for all); returns the unsubscribe function. */
  on(type: string, listener: Listener): () => void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(listener);
    return () => this.listeners.get(type)?.delete(listener);
  }

  private dispatch(event: WorkspaceEvent): void {
    for (const key of [event.type, "*"]) this.listeners.get(key)?.forEach((l) => l(event));
  }
}

export const hub = new EventHub();

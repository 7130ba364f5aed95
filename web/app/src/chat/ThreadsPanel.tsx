import { useEffect, useState } from "react";
import { api, describe, unwrap, type Channel, type Message } from "../api/client";
import { hub } from "../live/hub";
import { ago } from "../lib/messages";
import { replyLabel, toEditable } from "../lib/text";
import { useWorkspace } from "./context";

/** The threads I started or replied in, the most recently answered first; a reply anywhere moves its thread up. */
export function ThreadsPanel({ channels, onOpen, onClose }: { channels: Channel[]; onOpen: (m: Message) => void; onClose: () => void }) {
  const { workspace, names } = useWorkspace();
  const [threads, setThreads] = useState<Message[] | undefined>();
  const [error, setError] = useState("");

  useEffect(() => {
    let live = true;
    const load = () => unwrap(api.GET("/api/v1/workspaces/{workspaceId}/threads", { params: { path: { workspaceId: workspace.id } } }))
      .then((r) => { if (live) setThreads(r.items); }, (err) => { if (live) setError(describe(err)); });
    void load();
    const off = hub.on("thread.updated", () => void load());
    return () => { live = false; off(); };
  }, [workspace.id]);

  const where = (m: Message) => {
    const c = channels.find((x) => x.id === m.channelId);
    return c ? (c.type === "dm" ? c.dmPeer?.name ?? c.name : `#${c.name}`) : "a channel";
  };

  return (
    <aside className="side-panel" aria-label="Threads" data-testid="threads-panel">
      <header>
        <h2>Threads</h2>
        <button type="button" className="icon" aria-label="Close threads" onClick={onClose}>✕</button>
      </header>
      {error ? <p className="error pad" role="alert">{error}</p>
        : threads === undefined ? <p className="muted pad">Loading…</p>
        : threads.length === 0 ? <p className="muted pad">Threads you start or reply in show up here.</p>
        : (
          <ul className="results">
            {threads.map((m) => (
              <li key={m.id}>
                <button type="button" data-testid="thread-item" onClick={() => onOpen(m)}>
                  <span className="where">{where(m)} · {m.author.name} · {replyLabel(m.replyCount)}{m.lastReplyAt ? `, last ${ago(m.lastReplyAt)}` : ""}</span>
                  <span className="snippet">{toEditable(m.text, names).slice(0, 200)}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
    </aside>
  );
}

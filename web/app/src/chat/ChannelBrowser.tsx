import { useState } from "react";
import type { Channel } from "../api/client";
import { Dialog } from "./Dialog";

/** Every channel one may see, joined or not; opening one that is not joined joins it. */
export function ChannelBrowser({ channels, onOpen, onClose, onCreate }: { channels: Channel[]; onOpen: (id: string) => void; onClose: () => void; onCreate?: () => void }) {
  const [filter, setFilter] = useState("");
  const shown = channels.filter((c) => c.type === "channel" && c.name.includes(filter.trim().toLowerCase()))
    .sort((a, b) => Number(b.isMember) - Number(a.isMember) || a.name.localeCompare(b.name));
  return (
    <Dialog title="Browse channels" onClose={onClose} testId="channel-browser">
      <label><span className="visually-hidden">Find a channel</span>
        <input type="search" placeholder="Find a channel" value={filter} onChange={(e) => setFilter(e.target.value)} autoFocus data-testid="channel-filter" />
      </label>
      <ul className="results scroll">
        {shown.map((c) => (
          <li key={c.id}>
            <button type="button" data-testid={`browse-${c.name}`} onClick={() => onOpen(c.id)}>
              <strong>{c.isPrivate ? "🔒" : "#"} {c.name}</strong>{c.archivedAt && <span className="muted"> (archived)</span>}
              <span className="where"> {c.isMember ? "Joined" : "Join"}{c.topic ? ` · ${c.topic}` : ""}</span>
            </button>
          </li>
        ))}
        {shown.length === 0 && <li className="muted pad">No channel matches.</li>}
      </ul>
      {onCreate && <div className="row end"><button type="button" className="secondary" onClick={onCreate}>Create a channel</button></div>}
    </Dialog>
  );
}

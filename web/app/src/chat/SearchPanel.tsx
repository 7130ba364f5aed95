import { Fragment, useEffect, useState } from "react";
import { api, describe, unwrap, type Channel, type Message } from "../api/client";
import { clock, dayLabel } from "../lib/messages";
import { toEditable } from "../lib/text";
import { useWorkspace } from "./context";

interface Props { query: string; channels: Channel[]; onOpen: (m: Message) => void; onClose: () => void }

/** Search results beside the channel: where each was said, by whom and when, the words found marked. */
export function SearchPanel({ query, channels, onOpen, onClose }: Props) {
  const { workspace, names } = useWorkspace();
  const [results, setResults] = useState<Message[] | undefined>();
  const [error, setError] = useState("");

  useEffect(() => {
    let live = true;
    setResults(undefined);
    setError("");
    // Typing fast makes one request for where the typing stopped.
    const timer = setTimeout(() => {
      unwrap(api.GET("/api/v1/workspaces/{workspaceId}/search", { params: { path: { workspaceId: workspace.id }, query: { q: query, limit: 50 } } }))
        .then((r) => { if (live) setResults(r.items); }, (err) => { if (live) setError(describe(err)); });
    }, 200);
    return () => { live = false; clearTimeout(timer); };
  }, [query, workspace.id]);

  const words = query.toLowerCase().split(/\s+/).map((w) => w.replace(/^[-"]+|"+$/g, "")).filter((w) => w.length > 1);
  const where = (m: Message) => {
    const c = channels.find((x) => x.id === m.channelId);
    return c ? (c.type === "dm" ? c.dmPeer?.name ?? c.name : `#${c.name}`) : "a channel";
  };

  return (
    <aside className="side-panel" aria-label="Search results" data-testid="search-results">
      <header>
        <h2>Results for “{query}”</h2>
        <button type="button" className="icon" aria-label="Close search" onClick={onClose}>✕</button>
      </header>
      {error ? <p className="error" role="alert">{error}</p>
        : results === undefined ? <p className="muted pad">Searching…</p>
        : results.length === 0 ? <p className="muted pad" data-testid="search-empty">Nothing matches “{query}”.</p>
        : (
          <ul className="results" aria-live="polite">
            {results.map((m) => (
              <li key={m.id}>
                <button type="button" data-testid="search-result" onClick={() => onOpen(m)}>
                  <span className="where">{where(m)} · {m.author.name} · {dayLabel(m.createdAt)} {clock(m.createdAt)}{m.parentId ? " · in a thread" : ""}</span>
                  <span className="snippet"><Highlighted text={toEditable(m.text, names)} words={words} /></span>
                </button>
              </li>
            ))}
          </ul>
        )}
    </aside>
  );
}

function Highlighted({ text, words }: { text: string; words: string[] }) {
  const short = text.length > 240 ? `${text.slice(0, 240)}…` : text;
  if (!words.length) return <>{short}</>;
  const escaped = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const parts = short.split(new RegExp(`(${escaped.join("|")}[\\p{L}\\p{N}]*)`, "giu"));
  return <>{parts.map((p, i) => (i % 2 === 1 ? <mark key={i}>{p}</mark> : <Fragment key={i}>{p}</Fragment>))}</>;
}

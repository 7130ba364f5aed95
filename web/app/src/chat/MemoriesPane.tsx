import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from "react";
import { api, unwrap } from "../api/client";
import { hub } from "../live/hub";
import { ago } from "../lib/messages";
import { useWorkspace } from "./context";

type Memory = { id: string; agentUserId: string; content: string; topic: string | null; source: string; confidence: number; pinned: boolean; updatedAt: string; createdAt: string };
type Hit = { memory: Memory; score: number; vectorRank: number | null; textRank: number | null };
type View = { memories: Memory[]; hits: Hit[] | null; topics: { topic: string | null; count: number }[]; learnedToday: number };

const SOURCE_LABEL: Record<string, string> = { conversation: "conversation", dreaming: "dreaming", human: "from a person", "cross-agent": "shared by another agent" };

/** An agent's memory: search it, see its topics and what it learned today, and curate (pin, edit, delete, share); live as the agent writes. */
export function MemoriesPane({ agentUserId, header }: { agentUserId: string; header: ReactNode }) {
  const { workspace, members, canWrite, report } = useWorkspace();
  const [view, setView] = useState<View | undefined>();
  const [query, setQuery] = useState("");
  const [searched, setSearched] = useState("");
  const [topic, setTopic] = useState<string | undefined>();
  const [editing, setEditing] = useState<{ id: string; text: string } | undefined>();
  const [sharing, setSharing] = useState<string | undefined>();
  const [adding, setAdding] = useState("");
  const [embedding, setEmbedding] = useState<{ model: string; dimensions: number; total: number; embedded: number } | undefined>();

  // After an embedding model change, the background re-embedding's progress (polled until it is done).
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const poll = async () => {
      try {
        const p = await unwrap(api.GET("/api/v1/workspaces/{workspaceId}/memories/embeddings", { params: { path: { workspaceId: workspace.id } } }));
        if (stopped) return;
        setEmbedding(p);
        if (p.embedded < p.total) timer = setTimeout(poll, 3000);
      } catch { /* the pane works without it */ }
    };
    void poll();
    return () => { stopped = true; clearTimeout(timer); };
  }, [workspace.id]);

  const load = useCallback(async () => {
    try {
      setView(await unwrap(api.GET("/api/v1/workspaces/{workspaceId}/agents/{agentUserId}/memories", {
        params: { path: { workspaceId: workspace.id, agentUserId }, query: { q: searched || undefined, topic } },
      })) as View);
    } catch (err) { report(err); }
  }, [workspace.id, agentUserId, searched, topic, report]);
  useEffect(() => { void load(); }, [load]);
  useEffect(() => hub.on("memory.written", (e) => { if (e.data.memory?.agentUserId === agentUserId) void load(); }), [agentUserId, load]);

  async function change(id: string, body: { content?: string; pinned?: boolean }) {
    try { await unwrap(api.PATCH("/api/v1/memories/{memoryId}", { params: { path: { memoryId: id } }, body })); setEditing(undefined); await load(); }
    catch (err) { report(err); }
  }
  async function remove(id: string) {
    try { await unwrap(api.DELETE("/api/v1/memories/{memoryId}", { params: { path: { memoryId: id } } })); await load(); }
    catch (err) { report(err); }
  }
  async function share(id: string, to: string) {
    try { await unwrap(api.POST("/api/v1/memories/{memoryId}/share", { params: { path: { memoryId: id } }, body: { agentUserId: to } })); setSharing(undefined); }
    catch (err) { report(err); }
  }
  async function add(e: FormEvent) {
    e.preventDefault();
    if (!adding.trim()) return;
    try {
      await unwrap(api.POST("/api/v1/workspaces/{workspaceId}/agents/{agentUserId}/memories", { params: { path: { workspaceId: workspace.id, agentUserId } }, body: { content: adding.trim(), topic: topic ?? null, confidence: null } }));
      setAdding(""); await load();
    } catch (err) { report(err); }
  }

  const others = members.filter((m) => m.kind === "agent" && m.userId !== agentUserId);
  const rows: { memory: Memory; hit?: Hit }[] = view ? (view.hits ? view.hits.map((h) => ({ memory: h.memory, hit: h })) : view.memories.map((m) => ({ memory: m }))) : [];
  return (
    <main className="channel" aria-label="Agent memories">
      {header}
      <section className="memories" data-testid="memories">
        <form role="search" className="row" onSubmit={(e) => { e.preventDefault(); setSearched(query.trim()); }}>
          <label className="grow"><span className="visually-hidden">Search memories</span>
            <input type="search" placeholder="Search by meaning or words…" value={query} onChange={(e) => { setQuery(e.target.value); if (!e.target.value) setSearched(""); }} data-testid="memory-search" /></label>
          <button type="submit" data-testid="memory-search-go">Search</button>
        </form>
        {embedding && embedding.embedded < embedding.total && (
          <p role="status" className="notice" data-testid="memory-reembedding">
            Re-embedding memories with {embedding.model}: {embedding.embedded} of {embedding.total} ({Math.floor((100 * embedding.embedded) / embedding.total)}%).
            Until a memory has its new vector, search finds it by words only.</p>
        )}
        {view && (
          <p className="muted" data-testid="memory-summary">{view.learnedToday} learned in the last day ·{" "}
            {view.topics.map((t) => t.topic === null ? <span key="-" className="muted"> no topic {t.count} </span> : (
              <button key={t.topic} type="button" className={`chip${topic === t.topic ? " active" : ""}`} aria-pressed={topic === t.topic}
                onClick={() => setTopic(topic === t.topic ? undefined : t.topic!)} data-testid="memory-topic">{t.topic} {t.count}</button>
            ))}
          </p>
        )}
        {view && rows.length === 0 && <p className="muted">{searched ? "Nothing found." : "No memories yet: the agent writes them as it works (memory.write)."}</p>}
        <ul className="plain memory-list" data-testid="memory-list">
          {rows.map(({ memory: m, hit }) => (
            <li key={m.id} className={`memory${m.pinned ? " pinned" : ""}`} data-testid="memory">
              {editing?.id === m.id ? (
                <form onSubmit={(e) => { e.preventDefault(); void change(m.id, { content: editing.text }); }} className="row">
                  <label className="grow"><span className="visually-hidden">Memory</span><textarea value={editing.text} onChange={(e) => setEditing({ id: m.id, text: e.target.value })} rows={3} data-testid="memory-edit-text" /></label>
                  <button type="submit" data-testid="memory-save">Save</button>
                  <button type="button" className="secondary" onClick={() => setEditing(undefined)}>Cancel</button>
                </form>
              ) : <p className="memory-content" data-testid="memory-content">{m.pinned && <span aria-label="pinned">📌 </span>}{m.content}</p>}
              <p className="muted">
                {m.topic ?? "no topic"} · {SOURCE_LABEL[m.source] ?? m.source} · confidence {Math.round(m.confidence * 100)}% · {ago(m.updatedAt)}
                {hit && ` · ${hit.vectorRank ? `meaning #${hit.vectorRank}` : ""}${hit.vectorRank && hit.textRank ? ", " : ""}${hit.textRank ? `words #${hit.textRank}` : ""}`}
              </p>
              {canWrite && (
                <div className="row">
                  <button type="button" className="link" onClick={() => change(m.id, { pinned: !m.pinned })} data-testid="memory-pin">{m.pinned ? "Unpin" : "Pin"}</button>
                  <button type="button" className="link" onClick={() => setEditing({ id: m.id, text: m.content })} data-testid="memory-edit">Edit</button>
                  <button type="button" className="link" onClick={() => remove(m.id)} data-testid="memory-delete">Delete</button>
                  {others.length > 0 && (sharing === m.id ? (
                    <label><span className="visually-hidden">Share with</span>
                      <select defaultValue="" onChange={(e) => { if (e.target.value) void share(m.id, e.target.value); }} data-testid="memory-share-to">
                        <option value="">Share with…</option>
                        {others.map((a) => <option key={a.userId} value={a.userId}>{a.name}</option>)}
                      </select></label>
                  ) : <button type="button" className="link" onClick={() => setSharing(m.id)} data-testid="memory-share">Share</button>)}
                </div>
              )}
            </li>
          ))}
        </ul>
        {canWrite && (
          <form onSubmit={add} className="row" aria-label="Teach the agent something">
            <label className="grow"><span className="visually-hidden">New memory</span>
              <input placeholder="Teach it something to remember…" value={adding} onChange={(e) => setAdding(e.target.value)} maxLength={4000} data-testid="memory-add-text" /></label>
            <button type="submit" disabled={!adding.trim()} data-testid="memory-add">Remember</button>
          </form>
        )}
      </section>
    </main>
  );
}

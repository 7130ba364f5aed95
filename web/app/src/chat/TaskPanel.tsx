import { useCallback, useEffect, useState, type FormEvent } from "react";
import { api, unwrap, type TaskDetails } from "../api/client";
import { hub } from "../live/hub";
import { ago } from "../lib/messages";
import { tasksPath } from "../lib/routes";
import { fromLocalInput, PRIORITIES, STATUS_LABEL, STATUSES, toLocalInput } from "../lib/tasks";
import { navigate } from "../router";
import { useWorkspace } from "./context";
import { Markdown } from "./Markdown";

/** One task beside the board: edit it, comment, and see its sub-tasks and history; live. */
export function TaskPanel({ taskId }: { taskId: string }) {
  const { workspace, members, canWrite, report } = useWorkspace();
  const [details, setDetails] = useState<TaskDetails | undefined>();
  const [comment, setComment] = useState("");
  const [editingDescription, setEditingDescription] = useState(false);
  const [description, setDescription] = useState("");

  const load = useCallback(() => unwrap(api.GET("/api/v1/tasks/{taskId}", { params: { path: { taskId } } })).then(setDetails, report), [taskId, report]);
  useEffect(() => {
    void load();
    const mine = (e: { data: { id?: string; taskId?: string } }) => (e.data.id ?? e.data.taskId) === taskId;
    const offs = [hub.on("task.updated", (e) => { if (mine(e)) void load(); }), hub.on("task.commented", (e) => { if (mine(e)) void load(); })];
    return () => offs.forEach((off) => off());
  }, [taskId, load]);

  const close = useCallback(() => navigate(tasksPath(workspace.id)), [workspace.id]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => { if (e.key === "Escape" && !e.defaultPrevented) close(); };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [close]);

  async function change(body: Record<string, unknown>) {
    try { await unwrap(api.PATCH("/api/v1/tasks/{taskId}", { params: { path: { taskId } }, body })); await load(); }
    catch (err) { report(err); }
  }

  async function addComment(e: FormEvent) {
    e.preventDefault();
    if (!comment.trim()) return;
    try { await unwrap(api.POST("/api/v1/tasks/{taskId}/comments", { params: { path: { taskId } }, body: { text: comment } })); setComment(""); await load(); }
    catch (err) { report(err); }
  }

  if (!details) return <aside className="side-panel" aria-label="Task"><p className="muted pad">Loading…</p></aside>;
  const t = details.task;
  return (
    <aside className="side-panel task-panel" aria-label={`Task ${t.key}`} data-testid="task-panel">
      <header>
        <h2><span className="muted">{t.key}</span> {t.title}</h2>
        <button type="button" className="icon" aria-label="Close task" onClick={close}>✕</button>
      </header>
      <div className="task-body">
        <div className="task-fields">
          <label>Status
            <select value={t.status} disabled={!canWrite} onChange={(e) => change({ status: e.target.value })} data-testid="task-status">
              {STATUSES.map((s) => <option key={s} value={s}>{STATUS_LABEL[s]}</option>)}
            </select></label>
          <label>Priority
            <select value={t.priority} disabled={!canWrite} onChange={(e) => change({ priority: e.target.value })}>
              {PRIORITIES.map((p) => <option key={p} value={p}>{p}</option>)}
            </select></label>
          <label>Assignee
            <select value={t.assignee?.id ?? ""} disabled={!canWrite} data-testid="task-panel-assignee"
              onChange={(e) => change(e.target.value ? { assigneeId: e.target.value } : { clear: ["assigneeId"] })}>
              <option value="">Unassigned</option>
              {members.map((m) => <option key={m.userId} value={m.userId}>{m.name}{m.kind === "agent" ? " (agent)" : ""}</option>)}
            </select></label>
          <label>Due
            <input type="datetime-local" disabled={!canWrite} defaultValue={toLocalInput(t.dueAt)} key={t.dueAt ?? "none"}
              onBlur={(e) => { const v = fromLocalInput(e.target.value); if (v !== t.dueAt) void change(v ? { dueAt: v } : { clear: ["dueAt"] }); }} /></label>
        </div>
        {t.recurrence && (
          <p className="muted" data-testid="task-recurrence-info">
            ↻ {t.recurrence.rule} ({t.recurrence.timeZone}), occurrence {t.recurrence.occurrence} of at most {t.recurrence.cap}{t.recurrence.paused ? ", paused" : ""}
            {canWrite && <> · <button type="button" className="link" onClick={() => change({ paused: !t.recurrence!.paused })}>{t.recurrence.paused ? "Resume" : "Pause"}</button></>}
          </p>
        )}
        <h3>Description</h3>
        {editingDescription ? (
          <form onSubmit={(e) => { e.preventDefault(); setEditingDescription(false); void change({ description }); }}>
            <textarea rows={6} value={description} onChange={(e) => setDescription(e.target.value)} aria-label="Description (markdown)" />
            <div className="row end"><button type="button" className="secondary" onClick={() => setEditingDescription(false)}>Cancel</button><button type="submit">Save</button></div>
          </form>
        ) : (
          <div className="text task-description" onDoubleClick={() => { if (canWrite) { setDescription(t.description); setEditingDescription(true); } }}>
            {t.description ? <Markdown text={t.description} /> : <p className="muted">No description.</p>}
            {canWrite && <button type="button" className="link" onClick={() => { setDescription(t.description); setEditingDescription(true); }}>Edit description</button>}
          </div>
        )}
        {t.result && (<><h3>Result</h3><div className="text" data-testid="task-result"><Markdown text={t.result} /></div></>)}
        {t.status === "pending_review" && canWrite && (
          <div className="row" data-testid="task-review">
            <button type="button" onClick={() => change({ status: "done" })} data-testid="task-approve">Approve</button>
            <button type="button" className="secondary" onClick={() => change({ status: "in_progress" })}>Send back</button>
          </div>
        )}
        {details.subtasks.length > 0 && (<>
          <h3>Sub-tasks</h3>
          <ul className="plain">{details.subtasks.map((s) => (
            <li key={s.id}><button type="button" className="link" onClick={() => navigate(tasksPath(workspace.id, s.id))}>{s.key} {s.title}</button> <span className="muted">{STATUS_LABEL[s.status]}</span></li>
          ))}</ul>
        </>)}
        <h3>Comments</h3>
        <ul className="plain" data-testid="task-comments">
          {details.comments.map((c) => <li key={c.id}><strong>{c.authorName ?? "someone"}</strong> <span className="muted">{ago(c.createdAt)}</span><div className="text"><Markdown text={c.text} /></div></li>)}
        </ul>
        {canWrite && (
          <form onSubmit={addComment} className="row">
            <label className="grow"><span className="visually-hidden">Comment</span>
              <input value={comment} onChange={(e) => setComment(e.target.value)} placeholder="Add a comment" data-testid="task-comment" /></label>
            <button type="submit" disabled={!comment.trim()} data-testid="task-comment-send">Comment</button>
          </form>
        )}
        <h3>History</h3>
        <ol className="plain history" data-testid="task-history">
          {details.history.map((h) => <li key={h.id}><span className="muted">{ago(h.createdAt)}</span> {h.actorName ?? "AgentLink"} {historyLine(h.kind, h.detail)}</li>)}
        </ol>
      </div>
    </aside>
  );
}

/** "moved it to Done", "assigned it", "commented"… from an activity row. */
function historyLine(kind: string, detail: unknown): string {
  const d = (detail ?? {}) as Record<string, unknown>;
  if (kind === "created") return "created it";
  if (kind === "spawned") return `created it as the next of its series (occurrence ${String(d.occurrence ?? "?")})`;
  if (kind === "commented") return "commented";
  const parts: string[] = [];
  if (typeof d.status === "string") parts.push(`moved it to ${STATUS_LABEL[d.status] ?? d.status}`);
  if ("assigneeId" in d) parts.push(d.assigneeId ? "assigned it" : "unassigned it");
  if (typeof d.priority === "string") parts.push(`set priority ${d.priority}`);
  if ("dueAt" in d) parts.push(d.dueAt ? "set the due time" : "cleared the due time");
  if (d.result) parts.push("set the result");
  if (d.description) parts.push("edited the description");
  if (d.title) parts.push("renamed it");
  if (typeof d.paused === "boolean") parts.push(d.paused ? "paused the series" : "resumed the series");
  if (typeof d.archived === "boolean") parts.push(d.archived ? "archived it" : "unarchived it");
  return parts.length ? parts.join(", ") : "edited it";
}

import { useEffect, useMemo, useState, type DragEvent, type FormEvent } from "react";
import { api, unwrap, type Channel, type TaskItem } from "../api/client";
import { hub } from "../live/hub";
import { tasksPath } from "../lib/routes";
import { columns, fromLocalInput, PRIORITIES, STATUS_LABEL, STATUSES, upsert } from "../lib/tasks";
import { navigate } from "../router";
import { useWorkspace } from "./context";

interface Props { header: React.ReactNode; channels: Channel[]; openTaskId?: string }

/** The workspace's tasks as a board (drag a card to change its status) or a list, live, with a quick-add form. */
export function TasksPane({ header, channels, openTaskId }: Props) {
  const { workspace, me, members, canWrite, report } = useWorkspace();
  const [tasks, setTasks] = useState<TaskItem[] | undefined>();
  const [view, setView] = useState<"board" | "list">(() => (localStorage.getItem("agentlink:tasks-view") === "list" ? "list" : "board"));
  const [mine, setMine] = useState(false);
  const [title, setTitle] = useState("");
  const [assigneeId, setAssigneeId] = useState("");
  const [due, setDue] = useState("");
  const [priority, setPriority] = useState("none");
  const [recurrence, setRecurrence] = useState("");
  const [channelId, setChannelId] = useState("");
  const [dragging, setDragging] = useState<string | undefined>();
  const [selected, setSelected] = useState<Set<string>>(new Set());

  async function bulk(change: { status?: string; assigneeId?: string; unassign?: boolean }) {
    if (selected.size === 0) return;
    try {
      const r = await unwrap(api.POST("/api/v1/workspaces/{workspaceId}/tasks/bulk", { params: { path: { workspaceId: workspace.id } }, body: { taskIds: [...selected], ...change } }));
      setTasks((l) => r.items.reduce((acc, t) => upsert(acc, t), l ?? []));
      setSelected(new Set());
    } catch (err) { report(err); }
  }

  useEffect(() => {
    let live = true;
    unwrap(api.GET("/api/v1/workspaces/{workspaceId}/tasks", { params: { path: { workspaceId: workspace.id }, query: { limit: 200, assignee: mine ? "me" : undefined } } }))
      .then((page) => { if (live) setTasks(page.items); }, report);
    const apply = (t: TaskItem) => { if (!mine || t.assignee?.id === me.id) setTasks((l) => l && upsert(l, t)); };
    const offs = [hub.on("task.created", (e) => apply(e.data)), hub.on("task.updated", (e) => apply(e.data))];
    return () => { live = false; offs.forEach((off) => off()); };
  }, [workspace.id, mine, me.id, report]);

  useEffect(() => { localStorage.setItem("agentlink:tasks-view", view); }, [view]);

  async function create(e: FormEvent) {
    e.preventDefault();
    if (!title.trim()) return;
    try {
      const task = await unwrap(api.POST("/api/v1/workspaces/{workspaceId}/tasks", {
        params: { path: { workspaceId: workspace.id } },
        body: {
          title, priority, assigneeId: assigneeId || null, dueAt: fromLocalInput(due), channelId: channelId || null,
          recurrence: recurrence || null, timeZone: recurrence ? Intl.DateTimeFormat().resolvedOptions().timeZone : null,
        },
      }));
      setTasks((l) => l && upsert(l, task));
      setTitle(""); setRecurrence("");
    } catch (err) { report(err); }
  }

  async function move(taskId: string, status: string) {
    const task = tasks?.find((t) => t.id === taskId);
    if (!task || task.status === status) return;
    // Moved at once; put back if the server refuses.
    setTasks((l) => l && upsert(l, { ...task, status }));
    try {
      const saved = await unwrap(api.PATCH("/api/v1/tasks/{taskId}", { params: { path: { taskId } }, body: { status } }));
      setTasks((l) => l && upsert(l, saved));
    } catch (err) {
      setTasks((l) => l && upsert(l, task));
      report(err);
    }
  }

  const board = useMemo(() => columns(tasks ?? []), [tasks]);
  const open = (t: TaskItem) => navigate(tasksPath(workspace.id, t.id));

  return (
    <main className="channel tasks" aria-label="Tasks">
      {header}
      <div className="tasks-toolbar">
        <div className="tabs" role="tablist" aria-label="View">
          <button type="button" role="tab" aria-selected={view === "board"} className={view === "board" ? "" : "secondary"} onClick={() => setView("board")} data-testid="tasks-board-tab">Board</button>
          <button type="button" role="tab" aria-selected={view === "list"} className={view === "list" ? "" : "secondary"} onClick={() => setView("list")} data-testid="tasks-list-tab">List</button>
        </div>
        <label className="check"><input type="checkbox" checked={mine} onChange={(e) => setMine(e.target.checked)} data-testid="tasks-mine" /> My tasks</label>
      </div>
      {canWrite && (
        <form className="task-new" onSubmit={create} aria-label="New task">
          <label className="grow"><span className="visually-hidden">Title</span>
            <input placeholder="New task…" value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} data-testid="task-title" /></label>
          <label><span className="visually-hidden">Assignee</span>
            <select value={assigneeId} onChange={(e) => setAssigneeId(e.target.value)} data-testid="task-assignee">
              <option value="">Unassigned</option>
              {members.map((m) => <option key={m.userId} value={m.userId}>{m.name}{m.kind === "agent" ? " (agent)" : ""}</option>)}
            </select></label>
          <label><span className="visually-hidden">Priority</span>
            <select value={priority} onChange={(e) => setPriority(e.target.value)} data-testid="task-priority">
              {PRIORITIES.map((p) => <option key={p} value={p}>{p === "none" ? "No priority" : p}</option>)}
            </select></label>
          <label><span className="visually-hidden">Due</span><input type="datetime-local" value={due} onChange={(e) => setDue(e.target.value)} data-testid="task-due" /></label>
          <label><span className="visually-hidden">Results channel</span>
            <select value={channelId} onChange={(e) => setChannelId(e.target.value)} data-testid="task-channel">
              <option value="">No channel</option>
              {channels.filter((c) => c.type === "channel" && c.isMember).map((c) => <option key={c.id} value={c.id}>#{c.name}</option>)}
            </select></label>
          <label><span className="visually-hidden">Repeat</span>
            <select value={recurrence} onChange={(e) => setRecurrence(e.target.value)} data-testid="task-recurrence">
              <option value="">Once</option><option value="rate(1 day)">Daily</option><option value="rate(1 week)">Weekly</option><option value="0 9 * * MON-FRI">Weekdays at 9:00</option>
            </select></label>
          <button type="submit" data-testid="task-create" disabled={!title.trim() || (!!recurrence && !due)} title={recurrence && !due ? "A repeating task needs a due time" : undefined}>Add</button>
        </form>
      )}
      {tasks === undefined ? <p className="muted pad">Loading…</p> : view === "board" ? (
        <div className="board" data-testid="task-board">
          {STATUSES.map((status) => (
            <section key={status} className={`column${dragging ? " droppable" : ""}`} aria-label={STATUS_LABEL[status]} data-testid={`column-${status}`}
              onDragOver={(e: DragEvent) => { if (canWrite) e.preventDefault(); }}
              onDrop={(e: DragEvent) => { e.preventDefault(); const id = e.dataTransfer.getData("text/plain"); setDragging(undefined); if (id) void move(id, status); }}>
              <h2>{STATUS_LABEL[status]} <span className="muted">{board[status].length}</span></h2>
              <ul>
                {board[status].map((t) => (
                  <li key={t.id} className={`card-task${t.id === openTaskId ? " active" : ""}`} draggable={canWrite} data-testid="task-card"
                    onDragStart={(e) => { e.dataTransfer.setData("text/plain", t.id); setDragging(t.id); }} onDragEnd={() => setDragging(undefined)}>
                    <button type="button" className="card-open" onClick={() => open(t)}>
                      <span className="muted">{t.key}</span> {t.title}
                    </button>
                    <TaskMeta task={t} />
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </div>
      ) : (
        <>
        {canWrite && selected.size > 0 && (
          <div className="bulk-bar" role="group" aria-label="Change the selected tasks" data-testid="bulk-bar">
            <span>{selected.size} selected</span>
            <label><span className="visually-hidden">Move to</span>
              <select value="" onChange={(e) => { if (e.target.value) void bulk({ status: e.target.value }); }} data-testid="bulk-status">
                <option value="">Move to…</option>
                {STATUSES.map((st) => <option key={st} value={st}>{STATUS_LABEL[st]}</option>)}
              </select></label>
            <label><span className="visually-hidden">Assign to</span>
              <select value="" onChange={(e) => { const v = e.target.value; if (v === "none") void bulk({ unassign: true }); else if (v) void bulk({ assigneeId: v }); }} data-testid="bulk-assignee">
                <option value="">Assign to…</option>
                <option value="none">Nobody</option>
                {members.map((m) => <option key={m.userId} value={m.userId}>{m.name}</option>)}
              </select></label>
            <button type="button" className="secondary" onClick={() => setSelected(new Set())}>Clear</button>
          </div>
        )}
        <table className="table task-list" data-testid="task-list">
          <thead><tr><th><span className="visually-hidden">Select</span></th><th>Key</th><th>Title</th><th>Status</th><th>Priority</th><th>Assignee</th><th>Due</th></tr></thead>
          <tbody>
            {(tasks ?? []).filter((t) => !t.archivedAt).map((t) => (
              <tr key={t.id} data-testid="task-row">
                <td><input type="checkbox" aria-label={`Select ${t.key}`} checked={selected.has(t.id)} data-testid="task-select"
                  onChange={(e) => setSelected((cur) => { const n = new Set(cur); if (e.target.checked) n.add(t.id); else n.delete(t.id); return n; })} /></td>
                <td>{t.key}</td>
                <td><button type="button" className="link" onClick={() => open(t)}>{t.title}</button></td>
                <td>{STATUS_LABEL[t.status]}</td><td>{t.priority}</td><td>{t.assignee?.name ?? "—"}</td>
                <td>{t.dueAt ? new Date(t.dueAt).toLocaleString() : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
        </>
      )}
    </main>
  );
}

function TaskMeta({ task }: { task: TaskItem }) {
  const overdue = task.dueAt && !["done", "cancelled"].includes(task.status) && new Date(task.dueAt) < new Date();
  return (
    <div className="task-meta">
      {task.priority !== "none" && <span className={`tag priority-${task.priority}`}>{task.priority}</span>}
      {task.assignee && <span className="muted">{task.assignee.name}{task.assignee.kind === "agent" ? " 🤖" : ""}</span>}
      {task.dueAt && <span className={overdue ? "overdue" : "muted"}>{overdue ? "overdue · " : ""}{new Date(task.dueAt).toLocaleDateString()}</span>}
      {task.recurrence && <span className="muted" title={task.recurrence.rule}>↻</span>}
    </div>
  );
}

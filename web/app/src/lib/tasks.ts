// Task vocabulary and the board's list updates.
import type { TaskItem } from "../api/client";

export const STATUSES = ["backlog", "todo", "in_progress", "pending_review", "done", "cancelled"] as const;
export const PRIORITIES = ["urgent", "high", "medium", "low", "none"] as const;

export const STATUS_LABEL: Record<string, string> = {
  backlog: "Backlog", todo: "To do", in_progress: "In progress", pending_review: "Pending review", done: "Done", cancelled: "Cancelled",
};

/** A created or changed task into the list: replaced in place, or added at the top (newest key first). */
export function upsert(list: readonly TaskItem[], task: TaskItem): TaskItem[] {
  const i = list.findIndex((t) => t.id === task.id);
  if (i >= 0) return list.map((t) => (t.id === task.id ? task : t));
  return [task, ...list].sort((a, b) => b.number - a.number);
}

/** Board columns: tasks by status, most urgent first, then by due time, then newest. */
export function columns(list: readonly TaskItem[]): Record<string, TaskItem[]> {
  const rank = (p: string) => PRIORITIES.indexOf(p as (typeof PRIORITIES)[number]);
  const out: Record<string, TaskItem[]> = Object.fromEntries(STATUSES.map((s) => [s, []]));
  for (const t of list) if (!t.archivedAt) (out[t.status] ??= []).push(t);
  for (const s of Object.keys(out))
    out[s].sort((a, b) => rank(a.priority) - rank(b.priority) || (a.dueAt ?? "9").localeCompare(b.dueAt ?? "9") || b.number - a.number);
  return out;
}

/** A local date-time input's value (yyyy-MM-ddTHH:mm) as an ISO instant, or null when empty. */
export function fromLocalInput(value: string): string | null {
  return value ? new Date(value).toISOString() : null;
}

export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

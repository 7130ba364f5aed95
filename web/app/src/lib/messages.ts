// The open channel's messages as a list in seq order, changed by what the streams say.
import type { Message, Reaction } from "../api/client";

/** Adds a top-level message once, in seq order (an echo of our own post or a replay may repeat it). */
export function added(list: readonly Message[], m: Message): Message[] {
  if (list.some((x) => x.id === m.id)) return list as Message[];
  const next = [...list, m];
  if (list.length && list[list.length - 1].seq > m.seq) next.sort((a, b) => a.seq - b.seq);
  return next;
}

/**
 * An edit replaces the text, not what the edit does not carry: the reply count and the last reply
 * come from thread events, so they are kept (an edit must not hide a thread's replies).
 */
export function edited(list: readonly Message[], m: Message): Message[] {
  return list.map((x) => (x.id === m.id ? merge(x, m) : x));
}

export function merge(old: Message, m: Message): Message {
  return { ...old, ...m, replyCount: Math.max(old.replyCount, m.replyCount), lastReplyAt: m.lastReplyAt ?? old.lastReplyAt, reactions: old.reactions };
}

export function deleted(list: readonly Message[], id: string, at = new Date().toISOString()): Message[] {
  return list.map((x) => (x.id === id ? { ...x, text: "", reactions: [], deletedAt: x.deletedAt ?? at } : x));
}

export function reacted(list: readonly Message[], id: string, reactions: Reaction[]): Message[] {
  return list.map((x) => (x.id === id ? { ...x, reactions } : x));
}

export function replied(list: readonly Message[], parentId: string, replyCount: number, lastReplyAt?: string | null): Message[] {
  return list.map((x) => (x.id === parentId ? { ...x, replyCount, lastReplyAt: lastReplyAt ?? x.lastReplyAt } : x));
}

/** Whether a message continues its author's run (same author within 5 minutes): shown without a header. */
export function continues(previous: Message | undefined, m: Message): boolean {
  if (!previous || previous.author.id !== m.author.id || previous.deletedAt) return false;
  return new Date(m.createdAt).getTime() - new Date(previous.createdAt).getTime() < 5 * 60_000
    && dayKey(previous.createdAt) === dayKey(m.createdAt);
}

export function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

export function dayLabel(iso: string, now = new Date()): string {
  const d = new Date(iso);
  const today = dayKey(now.toISOString());
  const yesterday = dayKey(new Date(now.getTime() - 86_400_000).toISOString());
  if (dayKey(iso) === today) return "Today";
  if (dayKey(iso) === yesterday) return "Yesterday";
  return d.toLocaleDateString([], { weekday: "long", month: "long", day: "numeric", year: d.getFullYear() === now.getFullYear() ? undefined : "numeric" });
}

export function clock(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

export function ago(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, (now - new Date(iso).getTime()) / 1000);
  if (seconds < 60) return "just now";
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}

/** A message as events carry it: absent members (nulls are left out on the wire) get their defaults. */
export function fromEvent(data: Partial<Message> & Pick<Message, "id" | "channelId" | "seq" | "author" | "createdAt">): Message {
  return {
    workspaceId: "", text: "", mentions: [], reactions: [], replyCount: 0, attachments: [],
    ...data,
    parentId: data.parentId ?? null, lastReplyAt: data.lastReplyAt ?? null, editedAt: data.editedAt ?? null, deletedAt: data.deletedAt ?? null,
  };
}

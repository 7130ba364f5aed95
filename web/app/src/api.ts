// The one way the app talks to /api: same origin, the HttpOnly session cookie, JSON in and out.
// Errors arrive as ProblemDetails; callers switch on `code`.

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly errors?: Record<string, string[]>) {
    super(message);
  }
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`/api/v1${path}`, {
    method,
    credentials: "same-origin",
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const fieldErrors = json?.errors ? Object.values(json.errors as Record<string, string[]>).flat().join(" ") : "";
    throw new ApiError(response.status, json?.code ?? "unknown", fieldErrors || json?.detail || response.statusText, json?.errors);
  }
  return json as T;
}

export interface User { id: string; email: string | null; name: string; kind: string; }
export interface Workspace { id: string; name: string; role: string; ownerId: string; createdAt: string; }
export interface Member { userId: string; name: string; email: string | null; kind: string; role: string; }
export interface Channel {
  id: string; workspaceId: string; type: "channel" | "dm"; name: string; isPrivate: boolean; topic: string;
  archivedAt: string | null; isMember: boolean; lastReadSeq: number; lastMessageSeq: number; unreadCount: number;
  dmPeer: { id: string; name: string; kind: string } | null;
}
export interface Reaction { emoji: string; count: number; userIds: string[]; }
export interface Message {
  id: string; workspaceId: string; channelId: string; seq: number; parentId: string | null;
  author: { id: string; name: string; kind: string }; text: string; mentions: string[]; reactions: Reaction[];
  replyCount: number; lastReplyAt: string | null; createdAt: string; editedAt: string | null; deletedAt: string | null;
}
export interface Page { items: Message[]; hasMore: boolean; nextBefore: number | null; }

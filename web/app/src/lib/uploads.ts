import { api, unwrap } from "../api/client";

export type Uploaded = { id: string; name: string; size: number; contentType: string; kind: string };

/**
 * A file from the page to a channel, in three steps: ask for an upload URL, PUT the bytes straight to
 * Blob Storage (they never pass through our servers), confirm (the server checks size and type).
 */
export async function uploadFile(channelId: string, file: File): Promise<Uploaded> {
  const ticket = await unwrap(api.POST("/api/v1/channels/{channelId}/attachments", {
    params: { path: { channelId } }, body: { name: file.name, size: file.size, contentType: file.type || "application/octet-stream" },
  }));
  const put = await fetch(ticket.uploadUrl, { method: ticket.method, headers: { ...ticket.headers, "content-type": file.type || "application/octet-stream" }, body: file });
  if (!put.ok) throw new Error(`The upload of ${file.name} failed (${put.status}).`);
  return await unwrap(api.POST("/api/v1/attachments/{attachmentId}/confirm", { params: { path: { attachmentId: ticket.attachment.id } } }));
}

/** "12 KB", "3.4 MB". */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

/** The size an image's thumbnail is shown at: its own proportions, at most 360 by 270. */
export function thumbnailBox(width: number | null | undefined, height: number | null | undefined): { width: number; height: number } {
  if (!width || !height) return { width: 240, height: 180 };
  const scale = Math.min(1, 360 / width, 270 / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

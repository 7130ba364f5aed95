import { useState } from "react";
import type { Message } from "../api/client";
import { fileSize, thumbnailBox } from "../lib/uploads";
import { Dialog } from "./Dialog";

type File = Message["attachments"][number];

const content = (id: string) => `/api/v1/attachments/${id}/content`;

/** A message's files: images as thumbnails that open in a lightbox, everything else as a card to download. */
export function Attachments({ files }: { files: File[] }) {
  const [open, setOpen] = useState<File | undefined>();
  if (files.length === 0) return null;
  return (
    <div className="attachments" data-testid="attachments">
      {files.map((f) => f.kind === "image" && f.hasThumbnail ? (
        <button key={f.id} type="button" className="attachment-image" onClick={() => setOpen(f)} aria-label={`Open ${f.name}`} data-testid="attachment-image">
          <img src={`/api/v1/attachments/${f.id}/thumbnail`} alt={f.name} loading="lazy" {...thumbnailBox(f.width, f.height)} />
        </button>
      ) : (
        <a key={f.id} className="attachment-file" href={content(f.id)} download={f.name} data-testid="attachment-file">
          <span className="attachment-icon" aria-hidden="true">📄</span>
          <span className="attachment-name">{f.name}</span>
          <span className="muted">{fileSize(f.size)} · {f.contentType}{f.downloadOnly ? " · download only" : ""}</span>
        </a>
      ))}
      {open && (
        <Dialog title={open.name} onClose={() => setOpen(undefined)} testId="lightbox">
          <div className="lightbox">
            <img src={content(open.id)} alt={open.name} data-testid="lightbox-image" />
            <p className="muted">{open.width && open.height ? `${open.width} × ${open.height} · ` : ""}{fileSize(open.size)} · <a href={content(open.id)} download={open.name}>Download</a></p>
          </div>
        </Dialog>
      )}
    </div>
  );
}

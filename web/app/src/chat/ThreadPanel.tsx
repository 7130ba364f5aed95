import { useEffect, useRef, useState } from "react";
import { api, unwrap, type Message } from "../api/client";
import { hub } from "../live/hub";
import { added, deleted, edited, fromEvent, merge, reacted } from "../lib/messages";
import { replyLabel } from "../lib/text";
import { Composer } from "./Composer";
import { useWorkspace } from "./context";
import { MessageItem } from "./MessageItem";

/** A message and its replies beside the channel; Escape or ✕ closes it. Edits to the root show here too. */
export function ThreadPanel({ rootId, onClose }: { rootId: string; onClose: () => void }) {
  const { workspace, report } = useWorkspace();
  const [root, setRoot] = useState<Message | undefined>();
  const [replies, setReplies] = useState<Message[]>([]);
  const panel = useRef<HTMLElement>(null);
  const list = useRef<HTMLOListElement>(null);

  useEffect(() => {
    let live = true;
    unwrap(api.GET("/api/v1/messages/{messageId}/thread", { params: { path: { messageId: rootId } } })).then((t) => {
      if (!live) return;
      setRoot(t.root);
      setReplies(t.replies);
    }, (err) => { report(err); onClose(); });
    return () => { live = false; };
  }, [rootId, report, onClose]);

  useEffect(() => {
    const offs = [
      hub.on("message.created", (e) => { if (e.data.parentId === rootId) setReplies((l) => added(l, fromEvent(e.data))); }),
      hub.on("message.updated", (e) => {
        if (e.data.id === rootId) setRoot((r) => r && merge(r, fromEvent(e.data)));
        else setReplies((l) => edited(l, fromEvent(e.data)));
      }),
      hub.on("message.deleted", (e) => {
        if (e.data.id === rootId) setRoot((r) => r && deleted([r], rootId)[0]);
        else setReplies((l) => deleted(l, e.data.id));
      }),
      hub.on("reaction.changed", (e) => {
        if (e.data.messageId === rootId) setRoot((r) => r && { ...r, reactions: e.data.reactions });
        else setReplies((l) => reacted(l, e.data.messageId, e.data.reactions));
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [rootId]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => { if (e.key === "Escape" && !e.defaultPrevented) onClose(); };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);

  useEffect(() => { panel.current?.scrollIntoView({ block: "nearest" }); }, [rootId]);
  useEffect(() => { if (list.current) list.current.scrollTop = list.current.scrollHeight; }, [replies.length]);

  async function reply(text: string, attachmentIds: string[]): Promise<boolean> {
    if (!root) return false;
    try {
      const m = await unwrap(api.POST("/api/v1/channels/{channelId}/messages", { params: { path: { channelId: root.channelId } }, body: { text, parentId: root.id, attachmentIds } }));
      setReplies((l) => added(l, m));
      return true;
    } catch (err) { report(err); return false; }
  }

  return (
    <aside className="thread" ref={panel} aria-label="Thread" data-testid="thread">
      <header>
        <h2>Thread</h2>
        <button type="button" className="icon" aria-label="Close thread" data-testid="thread-close" onClick={onClose}>✕</button>
      </header>
      <ol className="messages" ref={list}>
        {root && <MessageItem message={root} inThread onChanged={(u) => setRoot((r) => r && merge(r, u))} />}
        {root && <li className="day"><span>{replyLabel(replies.length)}</span></li>}
        {replies.map((m) => <MessageItem key={m.id} message={m} inThread onChanged={(u) => setReplies((l) => edited(l, u))} />)}
      </ol>
      <Composer key={rootId} label="Reply in thread" placeholder="Reply…" autoFocus draftKey={`agentlink:draft:thread:${rootId}`}
        disabled={!root || workspace.role === "viewer" || root.deletedAt != null} submitLabel="Reply" testId="thread-composer" submitTestId="thread-send"
        onSubmit={reply} onEscape={onClose} uploadTo={root && workspace.role !== "viewer" ? root.channelId : undefined} />
    </aside>
  );
}

import { memo, useState } from "react";
import { api, unwrap, type Message } from "../api/client";
import { clock } from "../lib/messages";
import { replyLabel, toEditable } from "../lib/text";
import { Avatar } from "./Avatar";
import { Composer } from "./Composer";
import { Attachments } from "./Attachments";
import { useWorkspace } from "./context";
import { EmojiPicker } from "./EmojiPicker";
import { Markdown } from "./Markdown";

interface Props {
  message: Message;
  /** Shown without name and avatar: it continues the same author's run. */
  compact?: boolean;
  /** In the thread panel: no "reply" action, no reply count. */
  inThread?: boolean;
  onOpenThread?: (id: string) => void;
  onChanged?: (m: Message) => void;
  /** Pinned in its channel (known to the channel view; the thread panel does not show pins). */
  pinned?: boolean;
}

/** One message with its actions, reachable by keyboard (focus shows them) as well as by hover. */
export const MessageItem = memo(function MessageItem({ message: m, compact, inThread, onOpenThread, onChanged, pinned }: Props) {
  const { me, names, isAdmin, canWrite, report } = useWorkspace();
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [picking, setPicking] = useState(false);
  const mine = m.author.id === me.id;
  const isDeleted = m.deletedAt != null;
  // The member list is live (renames arrive as events); the name stored with the message is the fallback.
  const author = names.get(m.author.id) ?? m.author.name;

  async function react(emoji: string) {
    setPicking(false);
    try { await unwrap(api.POST("/api/v1/messages/{messageId}/reactions", { params: { path: { messageId: m.id } }, body: { emoji } })); }
    catch (err) { report(err); }
  }

  async function save(text: string): Promise<boolean> {
    try {
      const updated = await unwrap(api.PATCH("/api/v1/messages/{messageId}", { params: { path: { messageId: m.id } }, body: { text } }));
      onChanged?.(updated);
      setEditing(false);
      return true;
    } catch (err) { report(err); return false; }
  }

  async function pin() {
    const path = { params: { path: { messageId: m.id } } };
    try { await unwrap(pinned ? api.DELETE("/api/v1/messages/{messageId}/pin", path) : api.POST("/api/v1/messages/{messageId}/pin", path)); }
    catch (err) { report(err); }
  }

  async function remove() {
    setConfirming(false);
    try { await unwrap(api.DELETE("/api/v1/messages/{messageId}", { params: { path: { messageId: m.id } } })); }
    catch (err) { report(err); }
  }

  const label = `${author}, ${clock(m.createdAt)}`;
  return (
    <li className={`message${compact ? " compact" : ""}${isDeleted ? " deleted" : ""}`} data-id={m.id} data-testid="message" aria-label={label}>
      <div className="gutter">{compact ? <time dateTime={m.createdAt} className="hover-time">{clock(m.createdAt)}</time> : <Avatar id={m.author.id} name={author} />}</div>
      <div className="body">
        {pinned && !isDeleted && <div className="pinned-label" data-testid="pinned-label">📌 Pinned</div>}
        {!compact && (
          <div className="meta">
            <strong>{author}</strong>
            {m.author.kind === "agent" && <span className="tag">agent</span>}
            <time dateTime={m.createdAt}>{clock(m.createdAt)}</time>
          </div>
        )}
        {editing ? (
          <div className="edit">
            <Composer label="Edit message" placeholder="Edit message" initial={toEditable(m.text, names)} autoFocus
              submitLabel="Save" testId="edit-input" submitTestId="edit-save" onSubmit={save} onEscape={() => setEditing(false)}
              extra={<button type="button" className="secondary" data-testid="edit-cancel" onClick={() => setEditing(false)}>Cancel</button>} />
          </div>
        ) : (
          <div className="text" data-testid="message-text">
            {isDeleted ? <p>This message was deleted.</p> : m.text && <Markdown text={m.text} />}
            {m.editedAt && !isDeleted && <span className="muted edited">(edited)</span>}
          </div>
        )}
        {!isDeleted && <Attachments files={m.attachments ?? []} />}
        {!isDeleted && m.reactions.length > 0 && (
          <div className="reactions">
            {m.reactions.map((r) => {
              const who = r.userIds.map((id) => (id === me.id ? "you" : names.get(id) ?? "someone")).join(", ");
              return (
                <button type="button" key={r.emoji} className={`reaction${r.userIds.includes(me.id) ? " mine" : ""}`} data-testid="reaction"
                  title={`${who} reacted with ${r.emoji}`} aria-label={`${r.emoji} ${r.count}: ${who}`} aria-pressed={r.userIds.includes(me.id)}
                  disabled={!canWrite} onClick={() => react(r.emoji)}>{r.emoji} {r.count}</button>
              );
            })}
          </div>
        )}
        {!inThread && !isDeleted && !m.parentId && m.replyCount > 0 && (
          <button type="button" className="link replies" data-testid="replies" onClick={() => onOpenThread?.(m.id)}>{replyLabel(m.replyCount)}</button>
        )}
        {confirming && (
          <div className="confirm" role="group" aria-label="Delete this message?">
            <span>Delete this message?</span>
            <button type="button" className="danger" data-testid="delete-confirm" onClick={remove}>Delete</button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>Keep</button>
          </div>
        )}
      </div>
      {!isDeleted && !editing && canWrite && (
        <div className="actions" role="toolbar" aria-label="Message actions">
          <button type="button" className="icon" aria-label="Add a reaction" aria-expanded={picking} data-testid="react-pick" onClick={() => setPicking(!picking)}>☺</button>
          <button type="button" className="icon" aria-label="React with 👍" data-testid="react" onClick={() => react("👍")}>👍</button>
          {!inThread && !m.parentId && onOpenThread && <button type="button" className="icon" aria-label="Reply in thread" data-testid="reply" onClick={() => onOpenThread(m.id)}>💬</button>}
          {!inThread && !m.parentId && <button type="button" className="icon" aria-label={pinned ? "Unpin message" : "Pin message"} aria-pressed={!!pinned} data-testid="pin" onClick={pin}>📌</button>}
          {mine && <button type="button" className="icon" aria-label="Edit message" data-testid="edit" onClick={() => setEditing(true)}>✏️</button>}
          {(mine || isAdmin) && <button type="button" className="icon" aria-label="Delete message" data-testid="delete" onClick={() => setConfirming(true)}>🗑</button>}
          {picking && <EmojiPicker label="Pick a reaction" onPick={react} onClose={() => setPicking(false)} />}
        </div>
      )}
    </li>
  );
});

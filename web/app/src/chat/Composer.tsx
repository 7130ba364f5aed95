import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { replaceShortcodes } from "../lib/emoji";
import { charactersLeft, COUNTER_FROM, encodeMentions, mentionAt, suggest } from "../lib/text";
import { describe } from "../api/client";
import { fileSize, uploadFile } from "../lib/uploads";
import { useWorkspace } from "./context";
import { EmojiPicker } from "./EmojiPicker";

type Pending = { key: string; name: string; size: number; status: "uploading" | "ready" | "failed"; id?: string; error?: string };

interface Props {
  label: string;
  placeholder: string;
  disabled?: boolean;
  /** Where the draft is kept between visits (per channel or thread); none keeps no draft. */
  draftKey?: string;
  initial?: string;
  submitLabel: string;
  testId: string;
  submitTestId: string;
  /** Files picked or pasted go here first (straight to storage); their ids are sent with the text. */
  onSubmit: (text: string, attachmentIds: string[]) => Promise<boolean>;
  /** The channel files are uploaded to; without it there is no attach button. */
  uploadTo?: string;
  onTyping?: () => void;
  onEscape?: () => void;
  autoFocus?: boolean;
  extra?: React.ReactNode;
}

/**
 * The message box everywhere (channel, thread, edit): Enter sends, Shift+Enter is a new line,
 * Escape cancels; "@" opens the member list and a picked or typed "@Name" becomes a mention.
 */
export function Composer(p: Props) {
  const { members } = useWorkspace();
  const [text, setText] = useState(() => p.initial ?? (p.draftKey ? localStorage.getItem(p.draftKey) ?? "" : ""));
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [emoji, setEmoji] = useState(false);
  const [files, setFiles] = useState<Pending[]>([]);
  const area = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const listId = useId();

  useEffect(() => {
    if (!p.draftKey) return;
    if (text) localStorage.setItem(p.draftKey, text); else localStorage.removeItem(p.draftKey);
  }, [p.draftKey, text]);

  const mention = dismissed ? undefined : mentionAt(text, caret);
  const options = mention ? suggest(members.map((m) => ({ ...m })), mention.query) : [];
  const open = options.length > 0;
  const left = charactersLeft(text);

  function pick(index: number) {
    if (!mention) return;
    const m = options[index];
    const next = `${text.slice(0, mention.start)}@${m.name} ${text.slice(caret)}`;
    const at = mention.start + m.name.length + 2;
    setText(next);
    setCaret(at);
    requestAnimationFrame(() => { area.current?.setSelectionRange(at, at); area.current?.focus(); });
  }

  const uploading = files.some((f) => f.status === "uploading");
  const ready = files.filter((f) => f.status === "ready").map((f) => f.id!);

  function attach(list: FileList | null) {
    if (!list || !p.uploadTo) return;
    for (const file of Array.from(list)) {
      const key = `${file.name}-${file.size}-${Math.random()}`;
      setFiles((l) => [...l, { key, name: file.name, size: file.size, status: "uploading" }]);
      uploadFile(p.uploadTo, file).then(
        (done) => setFiles((l) => l.map((f) => (f.key === key ? { ...f, status: "ready", id: done.id } : f))),
        (err) => setFiles((l) => l.map((f) => (f.key === key ? { ...f, status: "failed", error: describe(err) } : f))));
    }
  }

  async function submit() {
    const value = text.trim();
    if ((!value && ready.length === 0) || busy || uploading || left < 0) return;
    setBusy(true);
    const ok = await p.onSubmit(encodeMentions(replaceShortcodes(value), members), ready);
    setBusy(false);
    if (ok) { setText(""); setCaret(0); setFiles([]); }
    area.current?.focus();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (open) {
      if (e.key === "ArrowDown") { e.preventDefault(); setActive((active + 1) % options.length); return; }
      if (e.key === "ArrowUp") { e.preventDefault(); setActive((active - 1 + options.length) % options.length); return; }
      if (e.key === "Enter" || e.key === "Tab") { e.preventDefault(); pick(Math.min(active, options.length - 1)); return; }
      if (e.key === "Escape") { e.preventDefault(); e.stopPropagation(); setDismissed(true); return; }
    }
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) { e.preventDefault(); void submit(); return; }
    if (e.key === "Escape" && p.onEscape) { e.preventDefault(); e.stopPropagation(); p.onEscape(); }
  }

  function insert(emojiChar: string) {
    const at = area.current?.selectionStart ?? text.length;
    const next = text.slice(0, at) + emojiChar + text.slice(at);
    setText(next);
    setEmoji(false);
    requestAnimationFrame(() => { area.current?.focus(); area.current?.setSelectionRange(at + emojiChar.length, at + emojiChar.length); });
  }

  return (
    <form className="composer" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <div className="composer-box">
        {open && (
          <ul className="mentions" role="listbox" id={listId} aria-label="Mention someone" data-testid="mention-options">
            {options.map((m, i) => (
              <li key={m.userId} role="option" aria-selected={i === active} className={i === active ? "active" : ""}
                onMouseDown={(e) => { e.preventDefault(); pick(i); }} data-testid="mention-option">
                {m.name}{m.kind === "agent" && <span className="tag">agent</span>}
              </li>
            ))}
          </ul>
        )}
        <textarea ref={area} rows={2} aria-label={p.label} placeholder={p.placeholder} disabled={p.disabled}
          data-testid={p.testId} value={text} autoFocus={p.autoFocus}
          role="combobox" aria-expanded={open} aria-controls={open ? listId : undefined} aria-autocomplete="list"
          onChange={(e) => { setText(e.target.value); setCaret(e.target.selectionStart); setDismissed(false); setActive(0); p.onTyping?.(); }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onPaste={(e) => { if (p.uploadTo && e.clipboardData.files.length > 0) { e.preventDefault(); attach(e.clipboardData.files); } }}
          onKeyDown={onKeyDown} />
        {files.length > 0 && (
          <ul className="pending-files" aria-label="Files to send" data-testid="pending-files">
            {files.map((f) => (
              <li key={f.key} className={`pending-file ${f.status}`} data-testid="pending-file" data-status={f.status}>
                <span>{f.name}</span> <span className="muted">{f.status === "uploading" ? "uploading…" : f.status === "failed" ? f.error : fileSize(f.size)}</span>
                <button type="button" className="icon" aria-label={`Remove ${f.name}`} onClick={() => setFiles((l) => l.filter((x) => x.key !== f.key))}>✕</button>
              </li>
            ))}
          </ul>
        )}
        {left <= COUNTER_FROM && (
          <span className={`counter${left < 0 ? " over" : ""}`} data-testid="char-counter" aria-live="polite">
            {left < 0 ? `${-left} ${-left === 1 ? "character" : "characters"} over the limit` : `${left} ${left === 1 ? "character" : "characters"} left`}
          </span>
        )}
      </div>
      <div className="composer-actions">
        <span className="emoji-anchor">
          <button type="button" className="icon" aria-label="Insert an emoji" aria-expanded={emoji} disabled={p.disabled} onClick={() => setEmoji(!emoji)} data-testid={`${p.testId}-emoji`}>☺</button>
          {emoji && <EmojiPicker label="Insert an emoji" onPick={insert} onClose={() => setEmoji(false)} />}
        </span>
        {p.uploadTo && (
          <>
            <button type="button" className="icon" aria-label="Attach files" disabled={p.disabled} onClick={() => picker.current?.click()} data-testid={`${p.testId}-attach`}>📎</button>
            <input ref={picker} type="file" multiple hidden onChange={(e) => { attach(e.target.files); e.target.value = ""; }} data-testid={`${p.testId}-file`} />
          </>
        )}
        {p.extra}
        <button type="submit" data-testid={p.submitTestId} disabled={p.disabled || left < 0 || uploading || (!text.trim() && ready.length === 0)}>{p.submitLabel}</button>
      </div>
    </form>
  );
}

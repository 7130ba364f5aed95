import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { replaceShortcodes } from "../lib/emoji";
import { charactersLeft, COUNTER_FROM, encodeMentions, mentionAt, suggest } from "../lib/text";
import { useWorkspace } from "./context";
import { EmojiPicker } from "./EmojiPicker";

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
  onSubmit: (text: string) => Promise<boolean>;
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
  const area = useRef<HTMLTextAreaElement>(null);
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

  async function submit() {
    const value = text.trim();
    if (!value || busy || left < 0) return;
    setBusy(true);
    const ok = await p.onSubmit(encodeMentions(replaceShortcodes(value), members));
    setBusy(false);
    if (ok) { setText(""); setCaret(0); }
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
          onKeyDown={onKeyDown} />
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
        {p.extra}
        <button type="submit" data-testid={p.submitTestId} disabled={p.disabled || left < 0 || !text.trim()}>{p.submitLabel}</button>
      </div>
    </form>
  );
}

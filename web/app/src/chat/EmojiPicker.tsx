import { useEffect, useRef, useState } from "react";
import { findEmoji } from "../lib/emoji";

/** A searchable grid of emoji; Escape or a click outside closes it. */
export function EmojiPicker({ onPick, onClose, label }: { onPick: (emoji: string) => void; onClose: () => void; label: string }) {
  const [query, setQuery] = useState("");
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const outside = (e: MouseEvent) => { if (box.current && !box.current.contains(e.target as Node)) onClose(); };
    document.addEventListener("mousedown", outside);
    return () => document.removeEventListener("mousedown", outside);
  }, [onClose]);
  const found = findEmoji(query);
  return (
    <div className="picker" ref={box} role="dialog" aria-label={label} data-testid="emoji-picker"
      onKeyDown={(e) => { if (e.key === "Escape") { e.preventDefault(); e.stopPropagation(); onClose(); } }}>
      <input autoFocus placeholder="Search emoji" aria-label="Search emoji" value={query} onChange={(e) => setQuery(e.target.value)} data-testid="emoji-search" />
      <div className="emoji-grid">
        {found.map((e) => (
          <button type="button" key={e.char} className="icon" title={`:${e.names[0]}:`} aria-label={e.names[0].replace(/_/g, " ")}
            data-testid="emoji-option" onClick={() => onPick(e.char)}>{e.char}</button>
        ))}
        {found.length === 0 && <span className="muted">No emoji called “{query}”.</span>}
      </div>
    </div>
  );
}

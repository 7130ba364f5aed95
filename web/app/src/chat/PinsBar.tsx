import { useState } from "react";
import type { Message } from "../api/client";
import { clock, dayLabel } from "../lib/messages";
import { toEditable } from "../lib/text";
import { useWorkspace } from "./context";

/** "📌 2 pinned" under the channel's header; opens the list, and a pin jumps to its message. */
export function PinsBar({ pins, onJump }: { pins: Message[]; onJump: (id: string) => void }) {
  const { names } = useWorkspace();
  const [open, setOpen] = useState(false);
  return (
    <div className="pins">
      <button type="button" className="link" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="pins-toggle">
        📌 {pins.length} pinned
      </button>
      {open && (
        <ul className="results" data-testid="pins-list">
          {pins.map((m) => (
            <li key={m.id}>
              <button type="button" data-testid="pin-item" onClick={() => { setOpen(false); onJump(m.id); }}>
                <span className="where">{names.get(m.author.id) ?? m.author.name} · {dayLabel(m.createdAt)} {clock(m.createdAt)}</span>
                <span className="snippet">{toEditable(m.text, names).slice(0, 200)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

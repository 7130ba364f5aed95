import { useEffect, useRef, useState } from "react";
import type { Channel, Member, User } from "../api/client";
import { hub } from "../live/hub";
import { fromEvent } from "../lib/messages";
import { toEditable } from "../lib/text";

/**
 * What asks for attention: unread direct messages and channels where I was mentioned. Their count
 * is in the page title ("(3) AgentLink"); with the browser's permission and the tab in the
 * background, each new mention or DM is also a desktop notification.
 */
export function useNotifications(me: User, channels: Channel[], members: Member[], currentId: string | undefined) {
  const [mentioned, setMentioned] = useState<Set<string>>(new Set());
  const names = useRef(new Map<string, string>());
  names.current = new Map(members.map((m) => [m.userId, m.name]));
  const dms = useRef(new Set<string>());
  dms.current = new Set(channels.filter((c) => c.type === "dm").map((c) => c.id));
  const current = useRef(currentId);
  current.current = currentId;

  useEffect(() => {
    const offs = [
      hub.on("message.created", (e) => {
        const m = fromEvent(e.data);
        if (m.author.id === me.id) return;
        const mentionsMe = m.mentions.includes(me.id);
        const isDm = dms.current.has(m.channelId);
        if (!mentionsMe && !isDm) return;
        if (mentionsMe && m.channelId !== current.current) setMentioned((s) => new Set(s).add(m.channelId));
        if (document.visibilityState === "hidden" && typeof Notification !== "undefined" && Notification.permission === "granted") {
          const n = new Notification(isDm ? m.author.name : `${m.author.name} mentioned you`, { body: toEditable(m.text, names.current).slice(0, 200), tag: m.id });
          n.onclick = () => { window.focus(); n.close(); };
        }
      }),
      hub.on("read.updated", (e) => setMentioned((s) => { if (!s.has(e.data.channelId)) return s; const n = new Set(s); n.delete(e.data.channelId); return n; })),
    ];
    return () => offs.forEach((off) => off());
  }, [me.id]);

  useEffect(() => {
    if (currentId) setMentioned((s) => { if (!s.has(currentId)) return s; const n = new Set(s); n.delete(currentId); return n; });
  }, [currentId]);

  const count = channels.filter((c) => c.id !== currentId && (c.type === "dm" ? c.unreadCount > 0 : mentioned.has(c.id)))
    .reduce((sum, c) => sum + (c.type === "dm" ? c.unreadCount : 1), 0);
  useEffect(() => {
    document.title = count > 0 ? `(${count}) AgentLink` : "AgentLink";
    return () => { document.title = "AgentLink"; };
  }, [count]);
}

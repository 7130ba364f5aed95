import { Fragment, useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { api, unwrap, type Channel, type Message } from "../api/client";
import { hub } from "../live/hub";
import { added, continues, dayKey, dayLabel, deleted, edited, fromEvent, reacted, replied } from "../lib/messages";
import { Composer } from "./Composer";
import { useWorkspace } from "./context";
import { MessageItem } from "./MessageItem";
import { PinsBar } from "./PinsBar";

const PAGE = 50;
const TYPING_SEND_EVERY_MS = 3000;
const TYPING_SHOWN_FOR_MS = 4000;
// Read receipts while messages stream into a visible channel: at most one this often.
const READ_EVERY_MS = 2000;

interface Props {
  channel: Channel;
  onOpenThread: (id: string) => void;
  onRead: (channelId: string, lastReadSeq: number) => void;
  header: React.ReactNode;
  /** The DM's agent while it works (its status is busy). */
  thinking?: string;
  /** A message to scroll to and flash (from a search result). */
  highlight?: string;
  onHighlighted?: () => void;
}

/** One channel: its history (newest at the bottom, older on scrolling up), who is typing, and the composer. */
export function ChannelPane({ channel, onOpenThread, onRead, header, thinking, highlight, onHighlighted }: Props) {
  const { me, names, workspace, report } = useWorkspace();
  const [messages, setMessages] = useState<Message[] | undefined>();
  const [hasMore, setHasMore] = useState(false);
  const [typers, setTypers] = useState<Map<string, number>>(new Map());
  const [announce, setAnnounce] = useState("");
  const [pins, setPins] = useState<Message[]>([]);
  const list = useRef<HTMLOListElement>(null);
  const stick = useRef(true);
  const lastTyping = useRef(0);
  const readTimer = useRef<number | undefined>(undefined);
  const loadingOlder = useRef(false);
  // Opening a public channel joins it (see WorkspaceScreen); until that is done, a post would be refused.
  const canPost = workspace.role !== "viewer" && !channel.archivedAt && channel.isMember;
  // Where "New" goes: after what was read when the channel was opened (fixed while it stays open).
  const [readUpTo] = useState(channel.unreadCount > 0 ? channel.lastReadSeq : Number.MAX_SAFE_INTEGER);

  const markRead = useCallback(() => {
    if (!channel.isMember) return;
    api.POST("/api/v1/channels/{channelId}/read", { params: { path: { channelId: channel.id } }, body: {} })
      .then(({ data }) => { if (data) onRead(channel.id, data.lastReadSeq); }, () => undefined);
  }, [channel.id, channel.isMember, onRead]);

  const markReadSoon = useCallback(() => {
    if (readTimer.current !== undefined || document.visibilityState !== "visible") return;
    readTimer.current = window.setTimeout(() => { readTimer.current = undefined; markRead(); }, READ_EVERY_MS);
  }, [markRead]);

  useEffect(() => {
    let live = true;
    stick.current = true;
    unwrap(api.GET("/api/v1/channels/{channelId}/messages", { params: { path: { channelId: channel.id }, query: { limit: PAGE } } })).then((page) => {
      if (!live) return;
      setMessages([...page.items].reverse());
      setHasMore(page.hasMore);
      markRead();
    }, report);
    return () => { live = false; if (readTimer.current) clearTimeout(readTimer.current); readTimer.current = undefined; };
  }, [channel.id, markRead, report]);

  // The channel's pins: loaded once, then kept by message.pinned events (and edits and deletes).
  useEffect(() => {
    let live = true;
    const load = () => unwrap(api.GET("/api/v1/channels/{channelId}/pins", { params: { path: { channelId: channel.id } } }))
      .then((r) => { if (live) setPins(r.items); }, () => undefined);
    void load();
    const offs = [
      hub.on("message.pinned", (e) => { if (e.data.channelId === channel.id) void load(); }),
      hub.on("message.updated", (e) => setPins((l) => (l.some((p) => p.id === e.data.id) ? edited(l, fromEvent(e.data)) : l))),
      hub.on("message.deleted", (e) => setPins((l) => l.filter((p) => p.id !== e.data.id))),
    ];
    return () => { live = false; offs.forEach((off) => off()); };
  }, [channel.id]);

  useEffect(() => {
    const mine = (e: { channelId?: string; data: { channelId?: string } }) => (e.channelId ?? e.data.channelId) === channel.id;
    const offs = [
      hub.on("message.created", (e) => {
        const m = fromEvent(e.data);
        if (!mine(e) || m.parentId) return;
        setMessages((list) => list && added(list, m));
        setTypers((t) => { if (!t.has(m.author.id)) return t; const n = new Map(t); n.delete(m.author.id); return n; });
        if (m.author.id !== me.id) { setAnnounce(`${m.author.name}: ${m.text.slice(0, 140)}`); markReadSoon(); }
      }),
      hub.on("message.updated", (e) => { if (mine(e)) setMessages((l) => l && edited(l, fromEvent(e.data))); }),
      hub.on("message.deleted", (e) => { if (mine(e)) setMessages((l) => l && deleted(l, e.data.id)); }),
      hub.on("reaction.changed", (e) => setMessages((l) => l && reacted(l, e.data.messageId, e.data.reactions))),
      hub.on("thread.updated", (e) => setMessages((l) => l && replied(l, e.data.parentId, e.data.replyCount, e.data.lastReplyAt))),
      hub.on("typing", (e) => {
        if (e.data.channelId !== channel.id || e.data.userId === me.id) return;
        setTypers((t) => new Map(t).set(e.data.userId, Date.now() + TYPING_SHOWN_FOR_MS));
        setTimeout(() => setTypers((t) => new Map([...t].filter(([, until]) => until > Date.now()))), TYPING_SHOWN_FOR_MS + 50);
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [channel.id, me.id, markReadSoon]);

  // Keep the view on the newest message while the reader is at the bottom (or just posted).
  useLayoutEffect(() => {
    const el = list.current;
    if (!el || !messages) return;
    if (highlight) {
      const target = el.querySelector<HTMLElement>(`[data-id="${highlight}"]`);
      if (target) {
        stick.current = false;
        target.scrollIntoView({ block: "center" });
        // Again after a page loaded for it has put the scroll position back (loadOlder does that in a frame callback).
        requestAnimationFrame(() => target.scrollIntoView({ block: "center" }));
        target.classList.add("highlight");
        onHighlighted?.();
        return;
      }
      // Older than what is loaded (a search result, a link from an audit): page back until it is here.
      if (messages.length > 0 && hasMore) { stick.current = false; void loadOlder(); return; }
      if (messages.length > 0 && !hasMore) onHighlighted?.();
    }
    if (stick.current) el.scrollTop = el.scrollHeight;
  }, [messages, highlight, onHighlighted, hasMore]);

  async function loadOlder() {
    if (!messages?.length || !hasMore || loadingOlder.current) return;
    loadingOlder.current = true;
    const el = list.current!;
    const fromBottom = el.scrollHeight - el.scrollTop;
    try {
      const page = await unwrap(api.GET("/api/v1/channels/{channelId}/messages", {
        params: { path: { channelId: channel.id }, query: { limit: PAGE, before: messages[0].seq } },
      }));
      setMessages((l) => [...[...page.items].reverse().filter((m) => !l?.some((x) => x.id === m.id)), ...(l ?? [])]);
      setHasMore(page.hasMore);
      requestAnimationFrame(() => { el.scrollTop = el.scrollHeight - fromBottom; });
    } catch (err) { report(err); } finally { loadingOlder.current = false; }
  }

  function onScroll() {
    const el = list.current!;
    stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    if (el.scrollTop < 200) void loadOlder();
  }

  async function post(text: string, attachmentIds: string[]): Promise<boolean> {
    try {
      const m = await unwrap(api.POST("/api/v1/channels/{channelId}/messages", { params: { path: { channelId: channel.id } }, body: { text, attachmentIds } }));
      stick.current = true;
      setMessages((l) => l && added(l, m));
      return true;
    } catch (err) { report(err); return false; }
  }

  function typing() {
    if (Date.now() - lastTyping.current < TYPING_SEND_EVERY_MS) return;
    lastTyping.current = Date.now();
    void api.POST("/api/v1/channels/{channelId}/typing", { params: { path: { channelId: channel.id } } }).catch(() => undefined);
  }

  const typingNames = [...typers].filter(([, until]) => until > Date.now()).map(([id]) => names.get(id) ?? "Someone");
  const title = channel.type === "dm" ? channel.name : `#${channel.name}`;
  return (
    <main className="channel" aria-label={title}>
      {header}
      {pins.length > 0 && <PinsBar pins={pins} onJump={(id) => {
        const target = list.current?.querySelector<HTMLElement>(`[data-id="${id}"]`);
        if (target) { stick.current = false; target.scrollIntoView({ block: "center" }); target.classList.remove("highlight"); void target.offsetWidth; target.classList.add("highlight"); }
      }} />}
      <ol className="messages" ref={list} onScroll={onScroll} data-testid="messages" aria-label={`Messages in ${title}`} tabIndex={0}>
        {hasMore && <li className="muted older">Loading older messages…</li>}
        {messages === undefined ? <li className="muted">Loading…</li>
          : messages.length === 0 ? <li className="muted empty">This is the very beginning of {title}.</li>
          : messages.map((m, i) => {
            const prev = messages[i - 1];
            const newDay = !prev || dayKey(prev.createdAt) !== dayKey(m.createdAt);
            return (
              <Fragment key={m.id}>
                {newDay && <li className="day"><span>{dayLabel(m.createdAt)}</span></li>}
                {m.seq > readUpTo && (!prev || prev.seq <= readUpTo) && m.author.id !== me.id &&
                  <li className="new-line" data-testid="new-messages"><span>New<span className="visually-hidden"> messages</span></span></li>}
                <MessageItem message={m} compact={!newDay && continues(prev, m)} onOpenThread={onOpenThread} pinned={pins.some((p) => p.id === m.id)}
                  onChanged={(u) => setMessages((l) => l && edited(l, u))} />
              </Fragment>
            );
          })}
      </ol>
      <div className="visually-hidden" aria-live="polite" data-testid="announcer">{announce}</div>
      <div className="typing" data-testid="typing" aria-live="polite">
        {thinking ? <span className="thinking" data-testid="thinking">{thinking} is thinking…</span>
          : typingNames.length > 0 && `${typingNames.join(", ")} ${typingNames.length === 1 ? "is" : "are"} typing…`}
      </div>
      <Composer key={channel.id} label={`Message ${title}`} disabled={!canPost}
        placeholder={canPost ? `Message ${title}` : channel.archivedAt ? "This channel is archived."
          : workspace.role === "viewer" ? "You can read this channel but not post." : "Joining…"}
        draftKey={`agentlink:draft:${channel.id}`} submitLabel="Send" testId="composer" submitTestId="send"
        onSubmit={post} onTyping={typing} uploadTo={canPost ? channel.id : undefined} />
    </main>
  );
}

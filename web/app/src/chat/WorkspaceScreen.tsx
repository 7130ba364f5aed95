import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { api, ApiError, describe, unwrap, type Billing, type Channel, type Member, type Message, type User, type Workspace } from "../api/client";
import { hub } from "../live/hub";
import { fromEvent } from "../lib/messages";
import { auditsPath, billingPath, channelPath, skillsPath, tasksPath, type AuditView } from "../lib/routes";
import { navigate } from "../router";
import { NotFound } from "../pages/NotFound";
import { ChannelPane } from "./ChannelPane";
import { Ctx, type WorkspaceContext } from "./context";
import { ChannelBrowser } from "./ChannelBrowser";
import { ChannelDetails } from "./ChannelDetails";
import { NewChannelDialog } from "./NewChannelDialog";
import { PeopleDialog } from "./PeopleDialog";
import { SearchPanel } from "./SearchPanel";
import { SettingsDialog } from "./SettingsDialog";
import { Sidebar, type AgentPresence } from "./Sidebar";
import { ThreadPanel } from "./ThreadPanel";
import { ThreadsPanel } from "./ThreadsPanel";
import { TaskPanel } from "./TaskPanel";
import { TasksPane } from "./TasksPane";
import { SkillsPane } from "./SkillsPane";
import { BillingBanner, BillingPane } from "./BillingPane";
import { MemoriesPane } from "./MemoriesPane";
import { AuditsPane } from "./audits/AuditsPane";
import { useNotifications } from "./notifications";

interface Props {
  me: User; workspaceId: string; channelId?: string; onSignOut: () => void; onProfile: (user: User) => void;
  /** The tasks view instead of a channel (with a task open beside it). */
  tasks?: { taskId?: string };
  /** The skills library instead of a channel. */
  skills?: { skillId?: string };
  /** The billing page instead of a channel. */
  billing?: boolean;
  /** An agent's memories (its user id) instead of a channel. */
  memoriesOf?: string;
  /** One of the audit pages instead of a channel. */
  audits?: AuditView;
}

const ERROR_SHOWN_MS = 6000;

/**
 * A workspace: the sidebar, the open channel and its thread. It opens the live streams first and
 * loads its state once they are ready, so nothing that happens in between is missed (a claimed
 * agent joining while the page loads appears without a reload).
 */
export function WorkspaceScreen({ me, workspaceId, channelId, onSignOut, onProfile, tasks, skills, billing, memoriesOf, audits }: Props) {
  const [workspace, setWorkspace] = useState<Workspace | undefined>();
  const [missing, setMissing] = useState(false);
  const [members, setMembers] = useState<Member[]>([]);
  const [standing, setStanding] = useState<Billing | undefined>();
  const [channels, setChannels] = useState<Channel[]>([]);
  const [online, setOnline] = useState<Set<string>>(new Set());
  const [agents, setAgents] = useState<Map<string, AgentPresence>>(new Map());
  const [connection, setConnection] = useState<"open" | "reconnecting">("open");
  const [threadRoot, setThreadRoot] = useState<string | undefined>();
  const [search, setSearch] = useState("");
  const [searching, setSearching] = useState<string | undefined>();
  const [threadsOpen, setThreadsOpen] = useState(false);
  const [highlight, setHighlight] = useState<string | undefined>();
  const [dialog, setDialog] = useState<"channel" | "browse" | "details" | "settings" | "people" | "agents" | "invite" | undefined>();
  const [drawer, setDrawer] = useState(false);
  const [error, setError] = useState("");
  const errorTimer = useRef<number | undefined>(undefined);
  const currentId = useRef<string | undefined>(undefined);

  const report = useCallback((err: unknown) => {
    setError(describe(err));
    if (errorTimer.current) clearTimeout(errorTimer.current);
    errorTimer.current = window.setTimeout(() => setError(""), ERROR_SHOWN_MS);
  }, []);

  const loadMembers = useCallback(async () => {
    setMembers(await unwrap(api.GET("/api/v1/workspaces/{workspaceId}/members", { params: { path: { workspaceId } } })));
  }, [workspaceId]);
  // The plan and license: the banner when paused or past due, and the billing page.
  const loadBilling = useCallback(async () => {
    try { setStanding(await unwrap(api.GET("/api/v1/workspaces/{workspaceId}/billing", { params: { path: { workspaceId } } }))); }
    catch { /* the banner is a courtesy; the gated calls say license_paused themselves */ }
  }, [workspaceId]);
  const loadChannels = useCallback(async () => {
    const list = await unwrap(api.GET("/api/v1/workspaces/{workspaceId}/channels", { params: { path: { workspaceId } } }));
    setChannels(list);
    return list;
  }, [workspaceId]);

  // Streams first, then the snapshot.
  useEffect(() => {
    let live = true;
    (async () => {
      await hub.open(workspaceId);
      try {
        const [w] = await Promise.all([unwrap(api.GET("/api/v1/workspaces/{workspaceId}", { params: { path: { workspaceId } } })), loadMembers(), loadChannels(), loadBilling()]);
        if (live) setWorkspace(w);
      } catch (err) {
        if (!live) return;
        if (err instanceof ApiError && (err.status === 404 || err.status === 403)) { hub.close(); setMissing(true); }
        else report(err);
      }
    })();
    return () => { live = false; hub.close(); };
  }, [workspaceId, loadMembers, loadChannels, loadBilling, report]);

  useEffect(() => {
    const offs = [
      hub.on("presence.snapshot", (e) => {
        setOnline(new Set(e.data.online));
        setAgents(new Map((e.data.agents ?? []).map((a: { userId: string; status: string; lastSeen: string | null }) => [a.userId, { status: a.status, lastSeen: a.lastSeen }])));
      }),
      hub.on("presence", (e) => {
        if (e.data.kind === "agent") setAgents((m) => new Map(m).set(e.data.userId, { status: e.data.status, lastSeen: e.data.lastSeen ?? null }));
        else setOnline((s) => { const n = new Set(s); if (e.data.status === "offline") n.delete(e.data.userId); else n.add(e.data.userId); return n; });
      }),
      hub.on("connection", (e) => setConnection(e.data.state)),
      // The stream could not replay what was missed (too long away): start again from the server's state.
      hub.on("reset", () => location.reload()),
      hub.on("billing.updated", () => void loadBilling()),
      // Signed out here or elsewhere, or the password changed: back to sign-in.
      hub.on("session.ended", () => { hub.close(); location.assign("/"); }),
      hub.on("message.created", (e) => {
        const m = fromEvent(e.data);
        if (m.parentId || m.author.id === me.id || m.channelId === currentId.current) return;
        setChannels((list) => {
          if (!list.some((c) => c.id === m.channelId)) { void loadChannels(); return list; }
          return list.map((c) => (c.id === m.channelId ? { ...c, unreadCount: c.unreadCount + 1 } : c));
        });
      }),
      hub.on("read.updated", (e) => setChannels((list) => list.map((c) =>
        (c.id === e.data.channelId ? { ...c, unreadCount: 0, lastReadSeq: Math.max(c.lastReadSeq, e.data.lastReadSeq ?? 0) } : c)))),
      ...["channel.created", "channel.updated", "channel.member_joined", "channel.member_left"].map((t) => hub.on(t, () => void loadChannels())),
      ...["workspace.member_joined", "workspace.member_updated", "workspace.member_removed"].map((t) => hub.on(t, (e) => {
        if (t === "workspace.member_removed" && e.data.userId === me.id) { navigate("/"); return; }
        if (t === "workspace.member_updated" && e.data.userId === me.id)
          void unwrap(api.GET("/api/v1/workspaces/{workspaceId}", { params: { path: { workspaceId } } })).then(setWorkspace, () => undefined);
        void loadMembers();
      })),
    ];
    return () => offs.forEach((off) => off());
  }, [workspaceId, me.id, loadChannels, loadMembers, loadBilling]);

  const current = channels.find((c) => c.id === channelId);
  currentId.current = current?.id;

  // No channel in the address (or one that is gone): go to #general, replacing the address.
  useEffect(() => {
    if (!workspace || channels.length === 0 || current || tasks || skills || billing || memoriesOf || audits) return;
    const fallback = channels.find((c) => c.name === "general" && c.isMember) ?? channels.find((c) => c.isMember) ?? channels[0];
    navigate(channelPath(workspaceId, fallback.id), { replace: true });
  }, [workspace, channels, current, workspaceId]);

  // Opening a public channel one is not in joins it.
  useEffect(() => {
    if (!current || current.isMember || current.type !== "channel" || current.archivedAt) return;
    unwrap(api.POST("/api/v1/channels/{channelId}/join", { params: { path: { channelId: current.id } } })).then(() => loadChannels(), report);
  }, [current, loadChannels, report]);

  useEffect(() => { setDrawer(false); }, [channelId]);
  useNotifications(me, channels, members, current?.id);

  const select = useCallback((id: string) => { setDrawer(false); navigate(channelPath(workspaceId, id)); }, [workspaceId]);
  const openDm = useCallback(async (userId: string) => {
    try {
      const dm = await unwrap(api.POST("/api/v1/workspaces/{workspaceId}/dms", { params: { path: { workspaceId } }, body: { userId } }));
      await loadChannels();
      select(dm.id);
    } catch (err) { report(err); }
  }, [workspaceId, loadChannels, select, report]);
  const onRead = useCallback((id: string, lastReadSeq: number) => setChannels((list) => list.map((c) =>
    (c.id === id ? { ...c, unreadCount: 0, lastReadSeq: Math.max(c.lastReadSeq, lastReadSeq) } : c))), []);
  // A dialog opened from the drawer (on a phone) closes the drawer; Escape closes it too.
  const openDialog = (d: NonNullable<typeof dialog>) => { setDrawer(false); setDialog(d); };
  useEffect(() => {
    if (!drawer) return;
    const onKey = (e: KeyboardEvent) => { if (e.key === "Escape") setDrawer(false); };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [drawer]);
  const closeThread = useCallback(() => setThreadRoot(undefined), []);
  const clearHighlight = useCallback(() => setHighlight(undefined), []);
  const openThread = useCallback((id: string) => { setSearching(undefined); setThreadsOpen(false); setThreadRoot(id); }, []);
  // Moving to another channel closes the old one's thread, unless a search result opened it there.
  const keepThread = useRef(false);
  const shownChannel = useRef(channelId);
  useEffect(() => {
    if (shownChannel.current === channelId) return;
    shownChannel.current = channelId;
    if (!keepThread.current) setThreadRoot(undefined);
    keepThread.current = false;
  }, [channelId]);
  // A link to a message (?m=id, and t=thread for a reply) highlights it in its channel and opens its thread.
  useEffect(() => {
    const query = new URLSearchParams(location.search);
    const m = query.get("m"), t = query.get("t");
    if (!channelId || !m) return;
    setHighlight(m);
    if (t) setThreadRoot(t);
  }, [channelId]);
  const openThreadOf = useCallback((m: Message) => {
    setThreadsOpen(false);
    setThreadRoot(m.id);
    keepThread.current = m.channelId !== currentId.current;
    navigate(channelPath(workspaceId, m.channelId));
  }, [workspaceId]);
  const openResult = useCallback((m: Message) => {
    setHighlight(m.parentId ?? m.id);
    setThreadRoot(m.parentId ?? undefined);
    keepThread.current = !!m.parentId && m.channelId !== currentId.current;
    setSearching(undefined);
    setThreadsOpen(false);
    navigate(channelPath(workspaceId, m.channelId));
  }, [workspaceId]);

  const ctx = useMemo<WorkspaceContext | undefined>(() => workspace && {
    me, workspace, members,
    names: new Map(members.map((m) => [m.userId, m.name])),
    isAdmin: workspace.role === "owner" || workspace.role === "admin",
    canWrite: workspace.role !== "viewer",
    report,
  }, [me, workspace, members, report]);

  if (missing) return <NotFound what="workspace" />;
  if (!ctx) return <main className="center muted" aria-busy="true">Loading…</main>;

  // Every pane's header starts with the phone's menu button.
  const menu = <button type="button" className="icon menu" aria-label="Open the sidebar" aria-expanded={drawer} data-testid="menu" onClick={() => setDrawer(true)}>☰</button>;
  const banner = <BillingBanner billing={standing} onOpen={billing ? undefined : () => navigate(billingPath(workspaceId))} />;
  const plainHeader = (name: string) => <><header className="channel-header">{menu}<h1 data-testid="channel-title">{name}</h1></header>{banner}</>;
  const title = current ? (current.type === "dm" ? current.dmPeer?.name ?? current.name : `#${current.name}`) : "";
  const peer = current?.type === "dm" ? current.dmPeer : undefined;
  const thinking = peer && peer.kind === "agent" && agents.get(peer.id)?.status === "busy" ? peer.name : undefined;
  const header = current && (<>
    <header className="channel-header">
      {menu}
      <div>
        {current.type === "channel"
          ? <h1 data-testid="channel-title"><button type="button" className="channel-title-button" onClick={() => setDialog("details")} title="Channel details" data-testid="channel-details-open">{title}</button></h1>
          : <h1 data-testid="channel-title">{title}</h1>}
        {current.topic && <p className="muted topic">{current.topic}</p>}
      </div>
      <form className="topbar" role="search" onSubmit={(e) => { e.preventDefault(); if (search.trim()) { setThreadRoot(undefined); setThreadsOpen(false); setSearching(search.trim()); } }}>
        <label><span className="visually-hidden">Search messages</span>
          <input type="search" placeholder={`Search ${ctx.workspace.name}`} value={search} onChange={(e) => setSearch(e.target.value)} data-testid="search" />
        </label>
      </form>
    </header>
    {banner}
  </>);

  return (
    <Ctx.Provider value={ctx}>
      <div className={`chat${threadRoot || searching || threadsOpen || tasks?.taskId ? " with-thread" : ""}${drawer ? " drawer-open" : ""}`}>
        <Sidebar channels={channels} currentId={current?.id} online={online} agents={agents} connection={connection}
          onSelect={select} onOpenDm={openDm} onNewChannel={() => openDialog("channel")} onInvite={() => openDialog("invite")} onSignOut={onSignOut}
          onBrowse={() => openDialog("browse")} onPeople={() => openDialog("people")} onAgents={() => openDialog("agents")} onSettings={() => openDialog("settings")}
          onThreads={() => { setDrawer(false); setThreadRoot(undefined); setSearching(undefined); setThreadsOpen(true); if (tasks) navigate(`/w/${workspaceId}`); }}
          onTasks={() => { setDrawer(false); navigate(tasksPath(workspaceId)); }} tasksOpen={!!tasks}
          onSkills={() => { setDrawer(false); navigate(skillsPath(workspaceId)); }} skillsOpen={!!skills}
          onAudits={() => { setDrawer(false); navigate(auditsPath(workspaceId)); }} auditsOpen={!!audits}
          onBilling={standing?.enabled ? () => { setDrawer(false); navigate(billingPath(workspaceId)); } : undefined} billingOpen={!!billing} />
        {drawer && <button type="button" className="scrim" aria-label="Close the sidebar" onClick={() => setDrawer(false)} />}
        {audits ? <AuditsPane view={audits} header={plainHeader("Audits")} />
          : memoriesOf ? <MemoriesPane key={memoriesOf} agentUserId={memoriesOf} header={plainHeader(`Memories of ${members.find((m) => m.userId === memoriesOf)?.name ?? "an agent"}`)} />
          : billing ? <BillingPane billing={standing} header={plainHeader("Billing")} />
          : skills ? <SkillsPane openSkillId={skills.skillId} header={plainHeader("Skills")} />
          : tasks ? <TasksPane channels={channels} openTaskId={tasks.taskId} header={plainHeader("Tasks")} />
          : current ? <ChannelPane key={current.id} channel={current} onOpenThread={openThread} onRead={onRead} header={header}
            thinking={thinking} highlight={highlight} onHighlighted={clearHighlight} />
          : <main className="channel center muted">Loading…</main>}
        {tasks?.taskId && <TaskPanel key={tasks.taskId} taskId={tasks.taskId} />}
        {!tasks && !skills && !billing && !memoriesOf && !audits && threadRoot && <ThreadPanel key={threadRoot} rootId={threadRoot} onClose={closeThread} />}
        {!tasks && !skills && !billing && !memoriesOf && !audits && !threadRoot && searching && <SearchPanel query={searching} channels={channels} onOpen={openResult} onClose={() => setSearching(undefined)} />}
        {!tasks && !skills && !billing && !memoriesOf && !audits && !threadRoot && !searching && threadsOpen && <ThreadsPanel channels={channels} onOpen={openThreadOf} onClose={() => setThreadsOpen(false)} />}
        {error && (
          <div className="toast" role="alert" data-testid="error">
            <span>{error}</span>
            <button type="button" className="icon" aria-label="Dismiss" onClick={() => setError("")}>✕</button>
          </div>
        )}
      </div>
      {dialog === "channel" && <NewChannelDialog onClose={() => setDialog(undefined)} onCreated={async (c) => { setDialog(undefined); await loadChannels(); select(c.id); }} />}
      {(dialog === "invite" || dialog === "people" || dialog === "agents") && <PeopleDialog tab={dialog} onClose={() => setDialog(undefined)} />}
      {dialog === "browse" && <ChannelBrowser channels={channels} onClose={() => setDialog(undefined)} onOpen={(id) => { setDialog(undefined); select(id); }}
        onCreate={ctx.canWrite ? () => setDialog("channel") : undefined} />}
      {dialog === "details" && current && <ChannelDetails channel={current} onClose={() => setDialog(undefined)} onLeft={async () => { setDialog(undefined); await loadChannels(); navigate(`/w/${workspaceId}`, { replace: true }); }} />}
      {dialog === "settings" && <SettingsDialog me={me} onProfile={onProfile} onClose={() => setDialog(undefined)} />}
    </Ctx.Provider>
  );
}

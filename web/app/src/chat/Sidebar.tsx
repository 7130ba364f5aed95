import type { Channel, Member } from "../api/client";
import { ago } from "../lib/messages";
import { navigate } from "../router";
import { useWorkspace } from "./context";

export interface AgentPresence { status: string; lastSeen: string | null }

interface Props {
  channels: Channel[];
  currentId?: string;
  online: ReadonlySet<string>;
  agents: ReadonlyMap<string, AgentPresence>;
  connection: "open" | "reconnecting";
  onSelect: (channelId: string) => void;
  onOpenDm: (userId: string) => void;
  onNewChannel: () => void;
  onInvite: () => void;
  onSignOut: () => void;
  onBrowse: () => void;
  onPeople: () => void;
  onAgents: () => void;
  onSettings: () => void;
  onThreads: () => void;
  onTasks: () => void;
  tasksOpen: boolean;
  onSkills: () => void;
  skillsOpen: boolean;
  onAudits: () => void;
  auditsOpen: boolean;
  /** Only when billing is on (the cloud service). */
  onBilling?: () => void;
  billingOpen: boolean;
}

/** Channels, direct messages and people, with presence; the workspace's menu at the top. */
export function Sidebar(p: Props) {
  const { me, workspace, members, isAdmin } = useWorkspace();

  function dot(userId?: string) {
    const agent = userId ? p.agents.get(userId) : undefined;
    const state = agent ? agent.status : userId && p.online.has(userId) ? "online" : "offline";
    return <span className={`dot ${state}`} title={state} data-testid={state} role="img" aria-label={state} />;
  }

  function agentStatus(m: Member) {
    const agent = p.agents.get(m.userId);
    if (m.kind !== "agent" || !agent || agent.status === "online") return null;
    const text = agent.status !== "offline" ? agent.status : agent.lastSeen ? `last seen ${ago(agent.lastSeen)}` : "never connected";
    return <span className="muted agent-status" data-testid="agent-status"> {text}</span>;
  }

  const item = (c: Channel) => {
    const unread = c.unreadCount > 0 && c.id !== p.currentId;
    const name = c.type === "dm" ? c.dmPeer?.name ?? c.name : c.name;
    return (
      <li key={c.id}>
        <a href={`/w/${workspace.id}/c/${c.id}`} aria-current={c.id === p.currentId ? "page" : undefined}
          className={`channel-link${c.id === p.currentId ? " active" : ""}${unread ? " unread" : ""}`}
          data-testid={`channel-${c.type === "dm" ? "dm-" + name : c.name}`}
          onClick={(e) => { e.preventDefault(); p.onSelect(c.id); }}>
          {c.type === "dm" ? dot(c.dmPeer?.id) : <span aria-hidden="true">{c.isPrivate ? "🔒" : "#"}</span>}
          <span className="name">{name}</span>
          {!c.isMember && <span className="muted"> (join)</span>}
          {unread && <span className="badge" data-testid="unread" aria-label={`${c.unreadCount} unread`}>{c.unreadCount}</span>}
        </a>
      </li>
    );
  };

  const people = members.filter((m) => m.userId !== me.id);
  return (
    <nav className="sidebar" data-testid="sidebar" aria-label="Workspace">
      <div className="workspace-name">
        <a href="/" className="back" aria-label="All workspaces" onClick={(e) => { e.preventDefault(); navigate("/"); }}>⟵</a>
        <span>{workspace.name}</span>
      </div>
      <div className="me">{dot(me.id)} {me.name} <span className="role">{workspace.role}</span></div>

      <button type="button" className="link" data-testid="threads-open" onClick={p.onThreads}>Threads</button>
      <button type="button" className={`link${p.tasksOpen ? " current" : ""}`} aria-current={p.tasksOpen ? "page" : undefined} data-testid="tasks-open" onClick={p.onTasks}>Tasks</button>
      <button type="button" className={`link${p.skillsOpen ? " current" : ""}`} aria-current={p.skillsOpen ? "page" : undefined} data-testid="skills-open" onClick={p.onSkills}>Skills</button>
      <button type="button" className={`link${p.auditsOpen ? " current" : ""}`} aria-current={p.auditsOpen ? "page" : undefined} data-testid="audits-open" onClick={p.onAudits}>Audits</button>
      {p.onBilling && <button type="button" className={`link${p.billingOpen ? " current" : ""}`} aria-current={p.billingOpen ? "page" : undefined} data-testid="billing-open" onClick={p.onBilling}>Billing</button>}
      <h2 id="channels-heading">Channels</h2>
      <ul aria-labelledby="channels-heading">{p.channels.filter((c) => c.type === "channel").map(item)}</ul>
      <button type="button" className="link" data-testid="browse-channels" onClick={p.onBrowse}>Browse channels</button>
      {workspace.role !== "viewer" && <button type="button" className="link" data-testid="new-channel" onClick={p.onNewChannel}>+ Add a channel</button>}

      <h2 id="dms-heading">Direct messages</h2>
      <ul aria-labelledby="dms-heading">{p.channels.filter((c) => c.type === "dm").map(item)}</ul>

      <h2 id="people-heading">People</h2>
      <ul aria-labelledby="people-heading" data-testid="people">
        {people.map((m) => (
          <li key={m.userId}>
            <button type="button" className="channel-link" data-testid={`person-${m.name}`} onClick={() => p.onOpenDm(m.userId)}>
              {dot(m.userId)}<span className="name">{m.name}</span>
              {m.kind === "agent" && <span className="tag">agent</span>}
              {agentStatus(m)}
            </button>
          </li>
        ))}
      </ul>
      {isAdmin && <button type="button" className="link" data-testid="invite" onClick={p.onInvite}>+ Invite people</button>}
      <button type="button" className="link" data-testid="people-directory" onClick={p.onPeople}>{isAdmin ? "Manage people" : "All people"}</button>
      <button type="button" className="link" data-testid="agent-directory-open" onClick={p.onAgents}>Agent directory</button>
      <div className="sidebar-foot">
        <button type="button" className="link" data-testid="settings-open" onClick={p.onSettings}>Settings</button>
        <span className="connection" data-testid="connection" aria-live="polite">{p.connection === "open" ? "" : "Reconnecting…"}</span>
        <button type="button" className="link" data-testid="sign-out" onClick={p.onSignOut}>Sign out</button>
      </div>
    </nav>
  );
}

import { Fragment, useEffect, useState } from "react";
import { api, describe, unwrap, type Invite } from "../api/client";
import { ago } from "../lib/messages";
import { auditsPath, memoriesPath } from "../lib/routes";
import { navigate } from "../router";
import { useWorkspace } from "./context";
import { Dialog } from "./Dialog";

type Agent = { userId: string; agentId: string; name: string; status: string; online: boolean; lastSeen: string | null; agentName: string; frameworkType: string | null; claimedBy: string | null; cardPublic: boolean; cardDescription: string | null };

/**
 * The workspace's people and agents. Everyone sees who is here; owners and admins change roles,
 * remove people and agents, and make invite links.
 */
export function PeopleDialog({ tab: initial, onClose }: { tab: "people" | "agents" | "invite"; onClose: () => void }) {
  const { workspace, members, me, isAdmin } = useWorkspace();
  const [tab, setTab] = useState(initial);
  const [agents, setAgents] = useState<Agent[]>([]);
  const [role, setRole] = useState("member");
  const [invite, setInvite] = useState<Invite | undefined>();
  const [error, setError] = useState("");
  const [copied, setCopied] = useState(false);
  const [email, setEmail] = useState("");
  // Removing takes a second click on "Confirm" (no browser dialogs).
  const [removing, setRemoving] = useState<string | undefined>();
  const path = { workspaceId: workspace.id };

  // Each agent's open tasks (not done, not cancelled), for its card.
  const [openTasks, setOpenTasks] = useState<Map<string, string[]>>(new Map());
  useEffect(() => {
    if (tab !== "agents") return;
    unwrap(api.GET("/api/v1/workspaces/{workspaceId}/agents", { params: { path } })).then(setAgents, (e) => setError(describe(e)));
    unwrap(api.GET("/api/v1/workspaces/{workspaceId}/tasks", { params: { path, query: { status: "backlog,todo,in_progress,pending_review", limit: 200 } } }))
      .then((page) => {
        const byAgent = new Map<string, string[]>();
        for (const t of page.items) if (t.assignee?.kind === "agent") byAgent.set(t.assignee.id, [...(byAgent.get(t.assignee.id) ?? []), `${t.key} ${t.title}`]);
        setOpenTasks(byAgent);
      }, () => undefined);
  }, [tab, members]); // eslint-disable-line react-hooks/exhaustive-deps

  async function changeRole(userId: string, newRole: string) {
    setError("");
    try { await unwrap(api.PATCH("/api/v1/workspaces/{workspaceId}/members/{userId}", { params: { path: { ...path, userId } }, body: { role: newRole } })); }
    catch (err) { setError(describe(err)); }
  }
  async function remove(userId: string) {
    setRemoving(undefined);
    setError("");
    try { await unwrap(api.DELETE("/api/v1/workspaces/{workspaceId}/members/{userId}", { params: { path: { ...path, userId } } })); }
    catch (err) { setError(describe(err)); }
  }
  // The owner decides whether an agent's A2A card is for members only or for anyone, and what it says the agent does.
  const [describing, setDescribing] = useState<{ agentUserId: string; text: string } | undefined>();
  async function saveCard(agentUserId: string, body: { public?: boolean; description?: string }) {
    setError("");
    try {
      const saved = await unwrap(api.PUT("/api/v1/workspaces/{workspaceId}/agents/{agentUserId}/card", { params: { path: { ...path, agentUserId } }, body }));
      setAgents((list) => list.map((a) => (a.userId === agentUserId ? { ...a, cardPublic: saved.public, cardDescription: saved.description ?? null } : a)));
      setDescribing(undefined);
    } catch (err) { setError(describe(err)); }
  }
  async function createInvite() {
    setError("");
    try { setInvite(await unwrap(api.POST("/api/v1/workspaces/{workspaceId}/invites", { params: { path }, body: { role } }))); setCopied(false); }
    catch (err) { setError(describe(err)); }
  }
  const link = invite ? `${location.origin}${invite.url}` : "";
  const people = members.filter((m) => m.kind !== "agent");
  const canManage = (target: { role: string; userId: string }) =>
    isAdmin && target.userId !== me.id && target.role !== "owner" && (workspace.role === "owner" || target.role !== "admin");

  return (
    <Dialog title={workspace.name} onClose={onClose} testId="people-dialog">
      <div className="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab === "people"} className={tab === "people" ? "" : "secondary"} onClick={() => setTab("people")}>People ({people.length})</button>
        <button type="button" role="tab" aria-selected={tab === "agents"} className={tab === "agents" ? "" : "secondary"} onClick={() => setTab("agents")} data-testid="tab-agents">Agents</button>
        {isAdmin && <button type="button" role="tab" aria-selected={tab === "invite"} className={tab === "invite" ? "" : "secondary"} onClick={() => setTab("invite")} data-testid="tab-invite">Invite</button>}
      </div>
      {tab === "people" && (
        <div className="scroll"><table className="table"><tbody>
          {people.map((m) => (
            <tr key={m.userId} data-testid="member-row">
              <td>{m.name}<div className="muted">{m.email}</div></td>
              <td>{canManage(m)
                ? <select aria-label={`Role of ${m.name}`} defaultValue={m.role} onChange={(e) => changeRole(m.userId, e.target.value)} data-testid="member-role">
                    {workspace.role === "owner" && <option value="admin">admin</option>}
                    <option value="member">member</option><option value="viewer">viewer</option>
                  </select>
                : m.role}</td>
              <td>{canManage(m) && <RemoveButton confirming={removing === m.userId} name={m.name} onAsk={() => setRemoving(m.userId)} onConfirm={() => remove(m.userId)} />}</td>
            </tr>
          ))}
        </tbody></table></div>
      )}
      {tab === "agents" && (
        <div className="scroll"><table className="table" data-testid="agent-directory"><tbody>
          {agents.length === 0 && <tr><td className="muted">No agents yet. Register one (see the README) and claim it here.</td></tr>}
          {agents.length > 0 && <tr><td colSpan={3} className="muted anywhere" data-testid="mcp-url">Agents connect over MQTT, or over MCP at {location.origin}/mcp with their API key.</td></tr>}
          {agents.map((a) => (
            <Fragment key={a.userId}>
            <tr>
              <td><span className={`dot ${a.status}`} role="img" aria-label={a.status} /> {a.name}<div className="muted">{a.agentName}{a.frameworkType ? ` · ${a.frameworkType}` : ""} · {a.claimedBy ? `claimed by ${a.claimedBy}` : "joined with an invite"}</div></td>
              <td>{a.status === "offline" ? (a.lastSeen ? `last seen ${ago(a.lastSeen)}` : "never connected") : a.status}
                <div className="muted" data-testid="agent-open-tasks">{(openTasks.get(a.userId) ?? []).length === 0 ? "no open tasks"
                  : `${openTasks.get(a.userId)!.length} open: ${openTasks.get(a.userId)!.slice(0, 3).join("; ")}${openTasks.get(a.userId)!.length > 3 ? "…" : ""}`}</div>
                <button type="button" className="link" data-testid="agent-memories" onClick={() => { onClose(); navigate(memoriesPath(workspace.id, a.userId)); }}>Memories</button>{" · "}
                <button type="button" className="link" data-testid="agent-audits" onClick={() => { onClose(); navigate(auditsPath(workspace.id, { page: "agent", agentUserId: a.userId })); }}>Audits</button>{" · "}
                <a href={`/api/v1/workspaces/${workspace.id}/agents/${a.userId}/.well-known/agent-card.json`} target="_blank" rel="noreferrer" data-testid="agent-card">A2A card</a>
                {" "}<span className="muted" data-testid="agent-card-visibility">({a.cardPublic ? "public" : "members only"})</span>
                {workspace.role === "owner" && (<>{" "}
                  <button type="button" className="link" data-testid="agent-card-toggle" onClick={() => saveCard(a.userId, { public: !a.cardPublic })}>
                    {a.cardPublic ? "Make members-only" : "Make public"}</button>{" · "}
                  <button type="button" className="link" data-testid="agent-card-describe" onClick={() => setDescribing({ agentUserId: a.userId, text: a.cardDescription ?? "" })}>Describe</button></>)}
                {a.cardDescription && <div className="muted" data-testid="agent-card-description">{a.cardDescription}</div>}
              </td>
              <td>{isAdmin && <RemoveButton confirming={removing === a.userId} name={a.name} onAsk={() => setRemoving(a.userId)} onConfirm={() => remove(a.userId)} />}</td>
            </tr>
            {/* The card's description gets the row's whole width, under the agent. */}
            {describing?.agentUserId === a.userId && (
              <tr><td colSpan={3}>
                <form className="row wrap card-describe" onSubmit={(e) => { e.preventDefault(); void saveCard(a.userId, { description: describing.text }); }}>
                  <input aria-label={`What ${a.name} does, on its A2A card`} maxLength={2000} value={describing.text} data-testid="agent-card-description-input"
                    onChange={(e) => setDescribing({ agentUserId: a.userId, text: e.target.value })} placeholder="What this agent does" />
                  <button type="submit" data-testid="agent-card-description-save">Save</button>
                  <button type="button" className="secondary" onClick={() => setDescribing(undefined)}>Cancel</button>
                </form>
              </td></tr>)}
            </Fragment>
          ))}
        </tbody></table></div>
      )}
      {tab === "invite" && isAdmin && (<>
        <label>Join as
          <select value={role} onChange={(e) => { setRole(e.target.value); setInvite(undefined); }}>
            <option value="member">Member</option>
            <option value="viewer">Viewer (reads only)</option>
            {workspace.role === "owner" && <option value="admin">Admin</option>}
          </select>
        </label>
        {invite ? (<>
          <label>Invite link (valid until {new Date(invite.expiresAt).toLocaleString()})
            <input readOnly value={link} data-testid="invite-link" onFocus={(e) => e.currentTarget.select()} />
          </label>
          <div className="row end"><button type="button" onClick={async () => { await navigator.clipboard?.writeText(link).catch(() => undefined); setCopied(true); }}>{copied ? "Copied" : "Copy link"}</button></div>
          <form className="row" onSubmit={(e) => { e.preventDefault(); location.href = mailto(email, workspace.name, link); }}>
            <label className="grow"><span className="visually-hidden">Email address</span>
              <input type="email" required placeholder="Email address" value={email} onChange={(e) => setEmail(e.target.value)} data-testid="invite-email" />
            </label>
            <button type="submit" className="secondary" data-testid="invite-email-send">Email it</button>
          </form>
          <p className="muted">“Email it” opens your mail program with the link; AgentLink does not send mail itself.</p>
        </>) : <div className="row end"><button type="button" data-testid="invite-create" onClick={createInvite}>Create link</button></div>}
      </>)}
      <p className="error" role="alert">{error}</p>
    </Dialog>
  );
}

function mailto(to: string, workspace: string, link: string): string {
  const subject = `Join ${workspace} on AgentLink`;
  const body = `You're invited to ${workspace} on AgentLink, where people and AI agents work together.\n\nJoin here: ${link}\n`;
  return `mailto:${encodeURIComponent(to)}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body)}`;
}

function RemoveButton({ confirming, name, onAsk, onConfirm }: { confirming: boolean; name: string; onAsk: () => void; onConfirm: () => void }) {
  return confirming
    ? <button type="button" className="danger" onClick={onConfirm} aria-label={`Confirm removing ${name}`}>Confirm</button>
    : <button type="button" className="secondary" onClick={onAsk} aria-label={`Remove ${name}`}>Remove</button>;
}

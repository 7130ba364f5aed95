import { useEffect, useState } from "react";
import { api, describe, unwrap, type Invite } from "../api/client";
import { ago } from "../lib/messages";
import { useWorkspace } from "./context";
import { Dialog } from "./Dialog";

type Agent = { userId: string; agentId: string; name: string; status: string; online: boolean; lastSeen: string | null; agentName: string; frameworkType: string | null };

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
  const path = { workspaceId: workspace.id };

  useEffect(() => {
    if (tab === "agents") unwrap(api.GET("/api/v1/workspaces/{workspaceId}/agents", { params: { path } })).then(setAgents, (e) => setError(describe(e)));
  }, [tab, members]); // eslint-disable-line react-hooks/exhaustive-deps

  async function changeRole(userId: string, newRole: string) {
    setError("");
    try { await unwrap(api.PATCH("/api/v1/workspaces/{workspaceId}/members/{userId}", { params: { path: { ...path, userId } }, body: { role: newRole } })); }
    catch (err) { setError(describe(err)); }
  }
  async function remove(userId: string, name: string) {
    if (!window.confirm(`Remove ${name} from ${workspace.name}?`)) return;
    setError("");
    try { await unwrap(api.DELETE("/api/v1/workspaces/{workspaceId}/members/{userId}", { params: { path: { ...path, userId } } })); }
    catch (err) { setError(describe(err)); }
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
              <td>{canManage(m) && <button type="button" className="secondary" onClick={() => remove(m.userId, m.name)}>Remove</button>}</td>
            </tr>
          ))}
        </tbody></table></div>
      )}
      {tab === "agents" && (
        <div className="scroll"><table className="table" data-testid="agent-directory"><tbody>
          {agents.length === 0 && <tr><td className="muted">No agents yet. Register one (see the README) and claim it here.</td></tr>}
          {agents.map((a) => (
            <tr key={a.userId}>
              <td><span className={`dot ${a.status}`} role="img" aria-label={a.status} /> {a.name}<div className="muted">{a.agentName}{a.frameworkType ? ` · ${a.frameworkType}` : ""}</div></td>
              <td>{a.status === "offline" ? (a.lastSeen ? `last seen ${ago(a.lastSeen)}` : "never connected") : a.status}</td>
              <td>{isAdmin && <button type="button" className="secondary" onClick={() => remove(a.userId, a.name)}>Remove</button>}</td>
            </tr>
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
        </>) : <div className="row end"><button type="button" data-testid="invite-create" onClick={createInvite}>Create link</button></div>}
      </>)}
      <p className="error" role="alert">{error}</p>
    </Dialog>
  );
}

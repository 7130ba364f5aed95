import { useState } from "react";
import { api, describe, unwrap, type Invite } from "../api/client";
import { useWorkspace } from "./context";
import { Dialog } from "./Dialog";

/** Owners and admins make an invite link for a role; the link is shown to copy. */
export function InviteDialog({ onClose }: { onClose: () => void }) {
  const { workspace } = useWorkspace();
  const [role, setRole] = useState("member");
  const [invite, setInvite] = useState<Invite | undefined>();
  const [error, setError] = useState("");
  const [copied, setCopied] = useState(false);

  async function create() {
    setError("");
    try { setInvite(await unwrap(api.POST("/api/v1/workspaces/{workspaceId}/invites", { params: { path: { workspaceId: workspace.id } }, body: { role } }))); }
    catch (err) { setError(describe(err)); }
  }
  const link = invite ? `${location.origin}${invite.url}` : "";

  return (
    <Dialog title={`Invite people to ${workspace.name}`} onClose={onClose} testId="invite-dialog">
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
        <div className="row end">
          <button type="button" onClick={async () => { await navigator.clipboard?.writeText(link).catch(() => undefined); setCopied(true); }}>{copied ? "Copied" : "Copy link"}</button>
        </div>
      </>) : (
        <div className="row end"><button type="button" data-testid="invite-create" onClick={create}>Create link</button></div>
      )}
      <p className="error" role="alert">{error}</p>
    </Dialog>
  );
}

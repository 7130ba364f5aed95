import { api, ApiError, Workspace } from "../api.js";
import { h } from "../dom.js";

/** Lists the user's workspaces and creates new ones; joining happens through an invite link. */
export async function workspacesView(open: (workspaceId: string) => void, signOut: () => void): Promise<HTMLElement> {
  const workspaces = await api<Workspace[]>("GET", "/workspaces");
  const error = h("p", { class: "error", role: "alert" });
  const name = h("input", { placeholder: "New workspace name", "data-testid": "workspace-name", required: true });
  const form = h("form", { class: "row" }, name, h("button", { type: "submit", "data-testid": "workspace-create" }, "Create"));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const created = await api<Workspace>("POST", "/workspaces", { name: name.value });
      open(created.id);
    } catch (err) {
      error.textContent = err instanceof ApiError ? err.message : "Could not create the workspace.";
    }
  });
  const list = h("ul", { class: "list" }, ...workspaces.map((w) =>
    h("li", {}, h("button", { class: "link", onclick: () => open(w.id), "data-testid": "workspace-item" }, w.name), h("span", { class: "muted" }, ` ${w.role}`))));
  return h("main", { class: "center" }, h("section", { class: "card" },
    h("h1", {}, "Your workspaces"),
    workspaces.length ? list : h("p", { class: "muted" }, "None yet. Create one, or open an invite link from a teammate."),
    form, error,
    h("button", { class: "link", onclick: signOut }, "Sign out")));
}

/** /invite/{token}: shows what the link joins, and joins it. */
export async function inviteView(token: string, joined: (workspaceId: string) => void): Promise<HTMLElement> {
  const card = h("section", { class: "card" });
  try {
    const preview = await api<{ workspaceId: string; workspaceName: string; role: string }>("GET", `/invites/${encodeURIComponent(token)}`);
    const accept = h("button", { "data-testid": "invite-accept" }, `Join ${preview.workspaceName}`);
    accept.addEventListener("click", async () => {
      const workspace = await api<Workspace>("POST", `/invites/${encodeURIComponent(token)}/accept`);
      joined(workspace.id);
    });
    card.append(h("h1", {}, `You're invited to ${preview.workspaceName}`), h("p", { class: "muted" }, `You will join as ${preview.role}.`), accept);
  } catch (err) {
    card.append(h("h1", {}, "This invite cannot be used"), h("p", { class: "error" }, err instanceof ApiError ? err.message : "Unknown error."));
  }
  return h("main", { class: "center" }, card);
}

import { api, ApiError } from "../api.js";
import { h } from "../dom.js";

interface ClaimPreview {
  registrationId: string; agentName: string; frameworkType: string | null; claimExpiresAt: string;
  workspaces: { id: string; name: string }[];
}

/** /claim/{registrationId}: a workspace owner or admin brings a registered AI agent into a workspace. */
export async function claimView(registrationId: string, claimed: (workspaceId: string) => void): Promise<HTMLElement> {
  const card = h("section", { class: "card" });
  try {
    const preview = await api<ClaimPreview>("GET", `/agents/claim/${encodeURIComponent(registrationId)}`);
    const framework = preview.frameworkType ? ` (${preview.frameworkType})` : "";
    card.append(h("h1", {}, `Claim the agent ${preview.agentName}`),
      h("p", { class: "muted" }, `An AI agent${framework} asked to join. It will be a member of the workspace you pick: ` +
        `people can DM it, mention it and add it to channels. This link works until ${new Date(preview.claimExpiresAt).toLocaleString()}.`));
    if (preview.workspaces.length === 0) {
      card.append(h("p", { class: "error" }, "You are not an owner or admin of any workspace, so you cannot claim agents."));
    } else {
      const select = h("select", { "data-testid": "claim-workspace" }, ...preview.workspaces.map((w) => h("option", { value: w.id }, w.name)));
      const error = h("p", { class: "error", role: "alert" });
      const button = h("button", { "data-testid": "claim-submit" }, `Bring ${preview.agentName} in`);
      button.addEventListener("click", async () => {
        try {
          await api("POST", `/agents/claim/${encodeURIComponent(registrationId)}`, { workspaceId: select.value });
          claimed(select.value);
        } catch (err) {
          error.textContent = err instanceof ApiError ? err.message : "Could not claim the agent.";
        }
      });
      card.append(h("div", { class: "row" }, select, button), error);
    }
  } catch (err) {
    card.append(h("h1", {}, "This agent cannot be claimed"), h("p", { class: "error", "data-testid": "claim-error" }, err instanceof ApiError ? err.message : "Unknown error."));
  }
  return h("main", { class: "center" }, card);
}

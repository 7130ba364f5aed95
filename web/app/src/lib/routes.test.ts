import { describe, expect, it } from "vitest";
import { auditsPath, parseRoute, type AuditView } from "./routes";

const w = "0b2b2c1e-6f1d-4a59-8d7e-1c2b3a4d5e6f";
const c = "1c2b3a4d-5e6f-4a59-8d7e-0b2b2c1e6f1d";

describe("addresses", () => {
  it("knows the app's pages", () => {
    expect(parseRoute("/")).toEqual({ kind: "home" });
    expect(parseRoute(`/w/${w}`)).toEqual({ kind: "workspace", workspaceId: w });
    expect(parseRoute(`/w/${w}/c/${c}`)).toEqual({ kind: "workspace", workspaceId: w, channelId: c });
    expect(parseRoute("/invite/a%20b")).toEqual({ kind: "invite", token: "a b" });
    expect(parseRoute(`/claim/${w}`)).toEqual({ kind: "claim", registrationId: w });
    expect(parseRoute(`/w/${w}/tasks`)).toEqual({ kind: "tasks", workspaceId: w });
    expect(parseRoute(`/w/${w}/tasks/${c}`)).toEqual({ kind: "tasks", workspaceId: w, taskId: c });
    expect(parseRoute(`/w/${w}/skills/${c}`)).toEqual({ kind: "skills", workspaceId: w, skillId: c });
    expect(parseRoute(`/w/${w}/billing`)).toEqual({ kind: "billing", workspaceId: w });
    expect(parseRoute(`/w/${w}/agents/${c}/memories`)).toEqual({ kind: "memories", workspaceId: w, agentUserId: c });
  });

  it("round-trips every audit page", () => {
    const views: AuditView[] = [{ page: "overview" }, { page: "agent", agentUserId: c }, { page: "run", runId: c }, { page: "compare", runId: c, otherId: w }];
    for (const view of views) expect(parseRoute(auditsPath(w, view))).toEqual({ kind: "audits", workspaceId: w, view });
  });

  it("calls everything else not found instead of showing the workspace list", () => {
    for (const path of ["/nope", "/w/not-a-uuid", `/w/${w}/c/`, `/w/${w}/x/${c}`, "/claim/123", `/w/${w}/billing/${c}`, `/w/${w}/audits/runs`, `/w/${w}/audits/runs/${c}/${w}`, `/w/${w}/audits/compare/${c}`])
      expect(parseRoute(path)).toEqual({ kind: "notFound" });
  });
});

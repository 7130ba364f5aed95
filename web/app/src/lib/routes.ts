// The app's addresses. Everything else is "not found" (never silently the workspace list).
export type Route =
  | { kind: "home" }
  | { kind: "workspace"; workspaceId: string; channelId?: string }
  | { kind: "tasks"; workspaceId: string; taskId?: string }
  | { kind: "skills"; workspaceId: string; skillId?: string }
  | { kind: "billing"; workspaceId: string }
  | { kind: "memories"; workspaceId: string; agentUserId: string }
  | { kind: "audits"; workspaceId: string; view: AuditView }
  | { kind: "invite"; token: string }
  | { kind: "claim"; registrationId: string }
  | { kind: "notFound" };

/** Which audit page: every agent's score card, one agent's audits, one run, or two runs side by side. */
export type AuditView =
  | { page: "overview" }
  | { page: "agent"; agentUserId: string }
  | { page: "run"; runId: string }
  | { page: "compare"; runId: string; otherId: string };

const uuid = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
const workspace = new RegExp(`^/w/(${uuid})(?:/c/(${uuid}))?/?$`);
const claim = new RegExp(`^/claim/(${uuid})/?$`);
const tasks = new RegExp(`^/w/(${uuid})/tasks(?:/(${uuid}))?/?$`);
const skills = new RegExp(`^/w/(${uuid})/skills(?:/(${uuid}))?/?$`);
const billing = new RegExp(`^/w/(${uuid})/billing/?$`);
const audits = new RegExp(`^/w/(${uuid})/audits(?:/(agents|runs|compare)/(${uuid})(?:/(${uuid}))?)?/?$`);
const memories = new RegExp(`^/w/(${uuid})/agents/(${uuid})/memories/?$`);

export function parseRoute(path: string): Route {
  if (path === "/" || path === "") return { kind: "home" };
  const w = workspace.exec(path);
  if (w) return w[2] ? { kind: "workspace", workspaceId: w[1].toLowerCase(), channelId: w[2].toLowerCase() } : { kind: "workspace", workspaceId: w[1].toLowerCase() };
  const t = tasks.exec(path);
  if (t) return t[2] ? { kind: "tasks", workspaceId: t[1].toLowerCase(), taskId: t[2].toLowerCase() } : { kind: "tasks", workspaceId: t[1].toLowerCase() };
  const k = skills.exec(path);
  if (k) return k[2] ? { kind: "skills", workspaceId: k[1].toLowerCase(), skillId: k[2].toLowerCase() } : { kind: "skills", workspaceId: k[1].toLowerCase() };
  const r = memories.exec(path);
  if (r) return { kind: "memories", workspaceId: r[1].toLowerCase(), agentUserId: r[2].toLowerCase() };
  const a = audits.exec(path);
  if (a) {
    const [wid, kind, id, other] = [a[1].toLowerCase(), a[2], a[3]?.toLowerCase(), a[4]?.toLowerCase()];
    if (!kind) return { kind: "audits", workspaceId: wid, view: { page: "overview" } };
    if (kind === "agents" && !other) return { kind: "audits", workspaceId: wid, view: { page: "agent", agentUserId: id! } };
    if (kind === "runs" && !other) return { kind: "audits", workspaceId: wid, view: { page: "run", runId: id! } };
    if (kind === "compare" && other) return { kind: "audits", workspaceId: wid, view: { page: "compare", runId: id!, otherId: other } };
    return { kind: "notFound" };
  }
  const b = billing.exec(path);
  if (b) return { kind: "billing", workspaceId: b[1].toLowerCase() };
  const c = claim.exec(path);
  if (c) return { kind: "claim", registrationId: c[1].toLowerCase() };
  const i = /^\/invite\/([^/]+)\/?$/.exec(path);
  if (i) return { kind: "invite", token: decodeURIComponent(i[1]) };
  return { kind: "notFound" };
}

export const channelPath = (workspaceId: string, channelId: string) => `/w/${workspaceId}/c/${channelId}`;
/** A message in its channel (highlighted, paged back to if it is old); a reply opens its thread (threadId). */
export const messagePath = (workspaceId: string, channelId: string, messageId: string, threadId?: string) =>
  `${channelPath(workspaceId, channelId)}?m=${messageId}${threadId ? `&t=${threadId}` : ""}`;
export const tasksPath = (workspaceId: string, taskId?: string) => `/w/${workspaceId}/tasks${taskId ? `/${taskId}` : ""}`;
export const skillsPath = (workspaceId: string, skillId?: string) => `/w/${workspaceId}/skills${skillId ? `/${skillId}` : ""}`;
export const billingPath = (workspaceId: string) => `/w/${workspaceId}/billing`;
export const memoriesPath = (workspaceId: string, agentUserId: string) => `/w/${workspaceId}/agents/${agentUserId}/memories`;
export const auditsPath = (workspaceId: string, view: AuditView = { page: "overview" }) =>
  view.page === "overview" ? `/w/${workspaceId}/audits`
    : view.page === "agent" ? `/w/${workspaceId}/audits/agents/${view.agentUserId}`
    : view.page === "run" ? `/w/${workspaceId}/audits/runs/${view.runId}`
    : `/w/${workspaceId}/audits/compare/${view.runId}/${view.otherId}`;

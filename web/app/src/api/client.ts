// The one way the app talks to /api: same origin, the HttpOnly session cookie, JSON in and out.
// Paths, bodies and answers are typed from the functions' OpenAPI document (schema.d.ts is
// generated: scripts/gen-api.sh). Errors arrive as ProblemDetails; callers switch on `code`.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

type Schemas = components["schemas"];
type Json<T> = T extends { content: { "application/json": infer B } } ? B : never;

export type User = Schemas["UserView"];
export type Workspace = Schemas["WorkspaceView"];
export type Channel = Schemas["ChannelView"];
export type Message = Schemas["MessageView"];
export type Reaction = Message["reactions"][number];
export type Thread = Schemas["GetThreadThread"];
export type Member = Json<paths["/api/v1/workspaces/{workspaceId}/members"]["get"]["responses"]["200"]>[number];
export type Invite = Schemas["CreateInviteInviteView"];
export type SearchResult = Schemas["SearchMessagesResult"];
export type TaskItem = Schemas["TaskView"];
export type TaskDetails = Schemas["GetTaskDetails"];
export type SkillItem = Schemas["SkillView"];
export type Billing = Schemas["WorkspaceBillingBillingView"];

export const api = createClient<paths>({ baseUrl: "", credentials: "same-origin" });

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

interface Problem { code?: string; detail?: string; title?: string; errors?: Record<string, string[]> }

/** The answer's data, or an ApiError with the problem's code and a sentence a person can read. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch {
    throw new ApiError(0, "network", "Could not reach the server. Check your connection and try again.");
  }
  const { data, error, response } = result;
  if (response.ok) return data as T;
  const problem = (error ?? {}) as Problem;
  const fields = problem.errors ? Object.values(problem.errors).flat().join(" ") : "";
  throw new ApiError(response.status, problem.code ?? "unknown", fields || problem.detail || problem.title || response.statusText);
}

/** A sentence for any failure, for the places that show errors. */
export function describe(err: unknown): string {
  return err instanceof ApiError ? err.message : "Something went wrong. Try again.";
}

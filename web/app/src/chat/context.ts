import { createContext, useContext } from "react";
import type { Member, User, Workspace } from "../api/client";

/** What every part of the workspace screen reads: who I am, where, who is here, and how to report a failure. */
export interface WorkspaceContext {
  me: User;
  workspace: Workspace;
  members: Member[];
  names: ReadonlyMap<string, string>;
  isAdmin: boolean;
  canWrite: boolean;
  report: (error: unknown) => void;
}

export const Ctx = createContext<WorkspaceContext | null>(null);

export function useWorkspace(): WorkspaceContext {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error("useWorkspace outside the workspace screen");
  return ctx;
}

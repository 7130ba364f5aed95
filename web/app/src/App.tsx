import { useCallback, useEffect, useState } from "react";
import { hub } from "./live/hub";
import { api, ApiError, type User } from "./api/client";
import { parseRoute } from "./lib/routes";
import { navigate, usePath } from "./router";
import { SignIn } from "./pages/SignIn";
import { Workspaces } from "./pages/Workspaces";
import { InvitePage } from "./pages/InvitePage";
import { ClaimPage } from "./pages/ClaimPage";
import { NotFound } from "./pages/NotFound";
import { WorkspaceScreen } from "./chat/WorkspaceScreen";

/** Who is signed in, then one screen per address (see lib/routes.ts). */
export function App() {
  const path = usePath();
  const [me, setMe] = useState<User | null | undefined>(undefined);

  useEffect(() => {
    api.GET("/api/v1/me").then(({ data, response }) => {
      if (response.status === 401) setMe(null);
      else if (data) setMe(data);
      else setMe(null);
    }, () => setMe(null));
  }, []);

  const signOut = useCallback(async () => {
    // Leaving on purpose: close the live streams first, or the server's "session.ended" on them
    // would start a second, full-page navigation while this one is under way.
    hub.close();
    await api.POST("/api/v1/auth/logout").catch(() => undefined);
    setMe(null);
    navigate("/");
  }, []);

  if (me === undefined) return <main className="center muted" aria-busy="true">Loading…</main>;
  if (me === null) return <SignIn onSignedIn={setMe} />;

  const route = parseRoute(path);
  switch (route.kind) {
    case "home": return <Workspaces me={me} onSignOut={signOut} />;
    case "workspace": return <WorkspaceScreen key={route.workspaceId} me={me} workspaceId={route.workspaceId} channelId={route.channelId} onSignOut={signOut} onProfile={setMe} />;
    case "skills": return <WorkspaceScreen key={route.workspaceId} me={me} workspaceId={route.workspaceId} skills={{ skillId: route.skillId }} onSignOut={signOut} onProfile={setMe} />;
    case "memories": return <WorkspaceScreen key={route.workspaceId} me={me} workspaceId={route.workspaceId} memoriesOf={route.agentUserId} onSignOut={signOut} onProfile={setMe} />;
    case "audits": return <WorkspaceScreen key={route.workspaceId} me={me} workspaceId={route.workspaceId} audits={route.view} onSignOut={signOut} onProfile={setMe} />;
    case "billing": return <WorkspaceScreen key={route.workspaceId} me={me} workspaceId={route.workspaceId} billing onSignOut={signOut} onProfile={setMe} />;
    case "tasks": return <WorkspaceScreen key={route.workspaceId} me={me} workspaceId={route.workspaceId} tasks={{ taskId: route.taskId }} onSignOut={signOut} onProfile={setMe} />;
    case "invite": return <InvitePage token={route.token} />;
    case "claim": return <ClaimPage registrationId={route.registrationId} />;
    default: return <NotFound what="page" />;
  }
}

export { ApiError };

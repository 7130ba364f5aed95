import { api, ApiError, User } from "./api.js";
import { clear } from "./dom.js";
import { authView } from "./views/auth.js";
import { claimView } from "./views/claim.js";
import { ChatView } from "./views/chat.js";
import { inviteView, workspacesView } from "./views/workspaces.js";

// The app shell: one route at a time, rendered into #app. Routes:
//   /                         your workspaces
//   /w/{workspaceId}[/c/{channelId}]  a workspace
//   /invite/{token}           accept an invite (after signing in)
//   /claim/{registrationId}   bring a registered AI agent into a workspace

const app = document.getElementById("app")!;
let me: User | undefined;
let chat: ChatView | undefined;

function navigate(path: string): void {
  history.pushState(null, "", path);
  void route();
}

async function route(): Promise<void> {
  chat?.dispose();
  chat = undefined;
  if (!me) {
    try { me = await api<User>("GET", "/me"); }
    catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) throw err;
      clear(app);
      app.append(authView((user) => { me = user; void route(); }));
      return;
    }
  }
  const path = location.pathname;
  const workspace = /^\/w\/([0-9a-f-]{36})(?:\/c\/([0-9a-f-]{36}))?/.exec(path);
  const invite = /^\/invite\/([^/]+)$/.exec(path);
  const claim = /^\/claim\/([0-9a-f-]{36})$/.exec(path);
  clear(app);
  if (workspace) {
    chat = new ChatView(me, navigate);
    app.append(chat.root);
    await chat.open(workspace[1], workspace[2]);
  } else if (claim) {
    app.append(await claimView(claim[1], (id) => navigate(`/w/${id}`)));
  } else if (invite) {
    app.append(await inviteView(decodeURIComponent(invite[1]), (id) => navigate(`/w/${id}`)));
  } else {
    app.append(await workspacesView((id) => navigate(`/w/${id}`), signOut));
  }
}

async function signOut(): Promise<void> {
  await api("POST", "/auth/logout").catch(() => undefined);
  me = undefined;
  navigate("/");
}

window.addEventListener("popstate", () => void route());
void route();

import { useEffect, useState } from "react";
import { api, describe, unwrap } from "../api/client";
import { navigate } from "../router";

type Preview = { workspaceId: string; workspaceName: string; role: string };

/** /invite/{token}: what the link joins, and joining it; someone already in the workspace is offered to open it. */
export function InvitePage({ token }: { token: string }) {
  const [preview, setPreview] = useState<Preview | undefined>();
  const [member, setMember] = useState(false);
  const [error, setError] = useState("");

  useEffect(() => {
    Promise.all([
      unwrap(api.GET("/api/v1/invites/{token}", { params: { path: { token } } })),
      unwrap(api.GET("/api/v1/workspaces")),
    ]).then(([p, mine]) => {
      setPreview(p);
      setMember(mine.some((w) => w.id === p.workspaceId));
    }, (e) => setError(describe(e)));
  }, [token]);

  async function accept() {
    try {
      const workspace = await unwrap(api.POST("/api/v1/invites/{token}/accept", { params: { path: { token } } }));
      navigate(`/w/${workspace.id}`);
    } catch (err) {
      setError(describe(err));
    }
  }

  return (
    <main className="center">
      <section className="card" aria-live="polite">
        {error ? (<>
          <h1>This invite cannot be used</h1>
          <p className="error" role="alert">{error}</p>
          <button type="button" onClick={() => navigate("/")}>Go to your workspaces</button>
        </>) : !preview ? <p className="muted">Loading…</p> : member ? (<>
          <h1>You're already in {preview.workspaceName}</h1>
          <p className="muted">This invite is for people who are not members yet.</p>
          <button type="button" data-testid="invite-open" onClick={() => navigate(`/w/${preview.workspaceId}`)}>Open {preview.workspaceName}</button>
        </>) : (<>
          <h1>You're invited to {preview.workspaceName}</h1>
          <p className="muted">You will join as {preview.role}.</p>
          <button type="button" data-testid="invite-accept" onClick={accept}>Join {preview.workspaceName}</button>
        </>)}
      </section>
    </main>
  );
}

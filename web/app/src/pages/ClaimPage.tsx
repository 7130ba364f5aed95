import { useEffect, useState } from "react";
import { api, describe, unwrap } from "../api/client";
import { navigate } from "../router";

type Preview = { agentName: string; frameworkType: string | null; claimExpiresAt: string; workspaces: { id: string; name: string }[] };

/** /claim/{registrationId}: a workspace owner or admin brings a registered AI agent into a workspace. */
export function ClaimPage({ registrationId }: { registrationId: string }) {
  const [preview, setPreview] = useState<Preview | undefined>();
  const [workspaceId, setWorkspaceId] = useState("");
  const [loadError, setLoadError] = useState("");
  const [error, setError] = useState("");

  useEffect(() => {
    unwrap(api.GET("/api/v1/agents/claim/{registrationId}", { params: { path: { registrationId } } })).then((p) => {
      setPreview(p);
      setWorkspaceId(p.workspaces[0]?.id ?? "");
    }, (e) => setLoadError(describe(e)));
  }, [registrationId]);

  async function claim() {
    try {
      await unwrap(api.POST("/api/v1/agents/claim/{registrationId}", { params: { path: { registrationId } }, body: { workspaceId } }));
      navigate(`/w/${workspaceId}`);
    } catch (err) {
      setError(describe(err));
    }
  }

  if (loadError) return (
    <main className="center"><section className="card">
      <h1>This agent cannot be claimed</h1>
      <p className="error" data-testid="claim-error">{loadError}</p>
    </section></main>
  );
  if (!preview) return <main className="center muted" aria-busy="true">Loading…</main>;
  const framework = preview.frameworkType ? ` (${preview.frameworkType})` : "";
  return (
    <main className="center">
      <section className="card" aria-labelledby="claim-title">
        <h1 id="claim-title">Claim the agent {preview.agentName}</h1>
        <p className="muted">An AI agent{framework} asked to join. It will be a member of the workspace you pick: people can DM it,
          mention it and add it to channels. This link works until {new Date(preview.claimExpiresAt).toLocaleString()}.</p>
        {preview.workspaces.length === 0
          ? <p className="error">You are not an owner or admin of any workspace, so you cannot claim agents.</p>
          : (<>
            <div className="row">
              <label className="grow"><span className="visually-hidden">Workspace</span>
                <select data-testid="claim-workspace" value={workspaceId} onChange={(e) => setWorkspaceId(e.target.value)}>
                  {preview.workspaces.map((w) => <option key={w.id} value={w.id}>{w.name}</option>)}
                </select>
              </label>
              <button type="button" data-testid="claim-submit" onClick={claim}>Bring {preview.agentName} in</button>
            </div>
            <p className="error" role="alert">{error}</p>
          </>)}
      </section>
    </main>
  );
}

import { useEffect, useState, type FormEvent } from "react";
import { api, describe, unwrap, type User, type Workspace } from "../api/client";
import { navigate } from "../router";

/** The signed-in person's workspaces; creates new ones. Joining happens through an invite link. */
export function Workspaces({ me, onSignOut }: { me: User; onSignOut: () => void }) {
  const [workspaces, setWorkspaces] = useState<Workspace[] | undefined>();
  const [name, setName] = useState("");
  const [error, setError] = useState("");

  useEffect(() => {
    unwrap(api.GET("/api/v1/workspaces")).then(setWorkspaces, (e) => setError(describe(e)));
  }, []);

  async function create(e: FormEvent) {
    e.preventDefault();
    setError("");
    try {
      const created = await unwrap(api.POST("/api/v1/workspaces", { body: { name } }));
      navigate(`/w/${created.id}`);
    } catch (err) {
      setError(describe(err));
    }
  }

  return (
    <main className="center">
      <section className="card" aria-labelledby="workspaces-title">
        <h1 id="workspaces-title">Your workspaces</h1>
        <p className="muted">Signed in as {me.name}{me.email ? ` (${me.email})` : ""}.</p>
        {workspaces === undefined ? <p className="muted">Loading…</p>
          : workspaces.length === 0 ? <p className="muted">None yet. Create one, or open an invite link from a teammate.</p>
          : (
            <ul className="list">
              {workspaces.map((w) => (
                <li key={w.id}>
                  <a href={`/w/${w.id}`} data-testid="workspace-item" onClick={(e) => { e.preventDefault(); navigate(`/w/${w.id}`); }}>{w.name}</a>
                  <span className="muted"> {w.role}</span>
                </li>
              ))}
            </ul>
          )}
        <form className="row" onSubmit={create}>
          <label className="grow">
            <span className="visually-hidden">New workspace name</span>
            <input placeholder="New workspace name" data-testid="workspace-name" required maxLength={80} value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <button type="submit" data-testid="workspace-create">Create</button>
        </form>
        <p className="error" role="alert">{error}</p>
        <button type="button" className="link" data-testid="sign-out" onClick={onSignOut}>Sign out</button>
      </section>
    </main>
  );
}

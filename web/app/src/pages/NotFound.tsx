import { navigate } from "../router";

/** An address that leads nowhere: say so, and offer the way back. */
export function NotFound({ what, detail }: { what: "page" | "workspace"; detail?: string }) {
  return (
    <main className="center">
      <section className="card" aria-labelledby="not-found-title">
        <h1 id="not-found-title" data-testid="not-found">{what === "page" ? "Page not found" : "Workspace not found"}</h1>
        <p className="muted">{detail ?? (what === "page"
          ? "There is nothing at this address."
          : "It does not exist, or you are not a member of it.")}</p>
        <button type="button" onClick={() => navigate("/")}>Go to your workspaces</button>
      </section>
    </main>
  );
}

import { useCallback, useEffect, useState } from "react";
import { api, unwrap } from "../../api/client";
import { hub } from "../../live/hub";
import { ago } from "../../lib/messages";
import { useWorkspace } from "../context";
import type { Criterion } from "./types";

type Rubric = { source: string; version: number; criteria: Criterion[]; history: { version: number; change: string; changedByName: string | null; createdAt: string }[] };

const SOURCE_LABEL: Record<string, string> = { defaults: "the built-in defaults", workspace: "the workspace's rubric", agent: "this agent's own rubric" };

/**
 * The rubric editor: name, prompt, weight and on/off per criterion, with the enabled weights' sum shown live
 * (saving needs exactly 100). For an agent, "Inherit from workspace" drops its override; "Reset to defaults"
 * puts the built-in criteria back. Owners and admins edit; everyone reads, with the history.
 */
export function CriteriaEditor({ agentUserId }: { agentUserId?: string }) {
  const { workspace, isAdmin, report } = useWorkspace();
  const [rubric, setRubric] = useState<Rubric | undefined>();
  const [draft, setDraft] = useState<Criterion[] | undefined>();
  const [problem, setProblem] = useState("");

  const load = useCallback(async () => {
    try {
      const r = agentUserId
        ? await unwrap(api.GET("/api/v1/workspaces/{workspaceId}/agents/{agentUserId}/audits/criteria", { params: { path: { workspaceId: workspace.id, agentUserId } } }))
        : await unwrap(api.GET("/api/v1/workspaces/{workspaceId}/audits/criteria", { params: { path: { workspaceId: workspace.id } } }));
      setRubric(r as Rubric);
    } catch (err) { report(err); }
  }, [workspace.id, agentUserId, report]);
  useEffect(() => { void load(); }, [load]);
  useEffect(() => hub.on("audit.criteria_changed", () => { if (!draft) void load(); }), [load, draft]);

  const sum = (draft ?? []).filter((c) => c.enabled).reduce((s, c) => s + (Number.isFinite(c.weight) ? c.weight : 0), 0);
  const edit = (i: number, change: Partial<Criterion>) => setDraft((d) => d!.map((c, j) => (j === i ? { ...c, ...change } : c)));

  async function save() {
    setProblem("");
    try {
      const body = { criteria: draft! };
      const r = agentUserId
        ? await unwrap(api.PUT("/api/v1/workspaces/{workspaceId}/agents/{agentUserId}/audits/criteria", { params: { path: { workspaceId: workspace.id, agentUserId } }, body }))
        : await unwrap(api.PUT("/api/v1/workspaces/{workspaceId}/audits/criteria", { params: { path: { workspaceId: workspace.id } }, body }));
      setRubric(r as Rubric); setDraft(undefined);
    } catch (err) { setProblem(err instanceof Error ? err.message : String(err)); }
  }
  async function act(kind: "reset" | "inherit") {
    try {
      const r = agentUserId
        ? kind === "reset"
          ? await unwrap(api.POST("/api/v1/workspaces/{workspaceId}/agents/{agentUserId}/audits/criteria/reset", { params: { path: { workspaceId: workspace.id, agentUserId } } }))
          : await unwrap(api.POST("/api/v1/workspaces/{workspaceId}/agents/{agentUserId}/audits/criteria/inherit", { params: { path: { workspaceId: workspace.id, agentUserId } } }))
        : await unwrap(api.POST("/api/v1/workspaces/{workspaceId}/audits/criteria/reset", { params: { path: { workspaceId: workspace.id } } }));
      setRubric(r as Rubric); setDraft(undefined);
    } catch (err) { report(err); }
  }

  if (!rubric) return <p className="muted">Loading the rubric…</p>;
  const rows = draft ?? rubric.criteria;
  return (
    <section className="criteria" aria-label="Audit criteria" data-testid="criteria-editor">
      <h2>Criteria</h2>
      <p className="muted">From {SOURCE_LABEL[rubric.source] ?? rubric.source}{rubric.version > 0 && `, version ${rubric.version}`}.</p>
      <table className="criteria-table">
        <thead><tr><th scope="col">Criterion</th><th scope="col">What it means</th><th scope="col">Weight</th><th scope="col">On</th>{draft && <th scope="col"><span className="visually-hidden">Remove</span></th>}</tr></thead>
        <tbody>
          {rows.map((c, i) => (
            <tr key={i} data-testid="criterion">
              <td>{draft ? <label><span className="visually-hidden">Name</span><input value={c.name} onChange={(e) => edit(i, { name: e.target.value })} maxLength={80} data-testid="criterion-name" /></label> : c.name}</td>
              <td>{draft ? <label><span className="visually-hidden">Prompt for {c.name}</span><textarea rows={2} value={c.prompt} onChange={(e) => edit(i, { prompt: e.target.value })} /></label> : <span className="muted">{c.prompt}</span>}</td>
              <td>{draft ? <label><span className="visually-hidden">Weight of {c.name}</span><input type="number" min={0} max={100} value={c.weight} onChange={(e) => edit(i, { weight: e.target.valueAsNumber })} data-testid="criterion-weight" /></label> : c.weight}</td>
              <td>{draft ? <label><span className="visually-hidden">{c.name} enabled</span><input type="checkbox" checked={c.enabled} onChange={(e) => edit(i, { enabled: e.target.checked })} data-testid="criterion-enabled" /></label> : c.enabled ? "✓" : "—"}</td>
              {draft && <td><button type="button" className="link" onClick={() => setDraft((d) => d!.filter((_, j) => j !== i))}>Remove</button></td>}
            </tr>
          ))}
        </tbody>
      </table>
      {draft ? (
        <>
          <p className={sum === 100 ? "muted" : "error"} role="status" data-testid="weight-sum">Enabled weights add up to {sum}{sum === 100 ? "." : `; they must add up to 100 (${sum > 100 ? `${sum - 100} too many` : `${100 - sum} to go`}).`}</p>
          {problem && <p className="error" role="alert">{problem}</p>}
          <div className="row">
            <button type="button" onClick={save} disabled={sum !== 100} data-testid="criteria-save">Save</button>
            <button type="button" className="secondary" onClick={() => setDraft((d) => [...d!, { name: "", prompt: "", weight: 0, enabled: true }])}>Add a criterion</button>
            <button type="button" className="secondary" onClick={() => { setDraft(undefined); setProblem(""); }}>Cancel</button>
          </div>
        </>
      ) : isAdmin && (
        <div className="row">
          <button type="button" onClick={() => setDraft(rubric.criteria.map((c) => ({ ...c })))} data-testid="criteria-edit">Edit criteria</button>
          {agentUserId && rubric.source === "agent" && <button type="button" className="secondary" onClick={() => act("inherit")} data-testid="criteria-inherit">Inherit from workspace</button>}
          <button type="button" className="secondary" onClick={() => act("reset")} data-testid="criteria-reset">Reset to defaults</button>
        </div>
      )}
      {rubric.history.length > 0 && (
        <details>
          <summary>History ({rubric.history.length})</summary>
          <ul className="plain">{rubric.history.map((h) => <li key={h.version}>v{h.version} · {h.change} by {h.changedByName ?? "someone"} · {ago(h.createdAt)}</li>)}</ul>
        </details>
      )}
    </section>
  );
}

import { useCallback, useEffect, useState, type FormEvent } from "react";
import { api, unwrap } from "../../api/client";
import { hub } from "../../live/hub";
import { ago } from "../../lib/messages";
import { navigate } from "../../router";
import { auditsPath } from "../../lib/routes";
import { useWorkspace } from "../context";
import { Band, Trend } from "./Band";
import { CriteriaEditor } from "./CriteriaEditor";
import { JUDGE_LABEL } from "./types";

type Card = { agentUserId: string; name: string; auditor: boolean; band: string; overall: number | null; delta: number | null; trend: number[]; lastRunAt: string | null; cadence: string | null; nextRunAt: string | null };
type Settings = { judge: string; llmEndpoint: string | null; llmModel: string | null; llmKeySet: boolean; auditorAgentIds: string[]; paused: boolean };

/** Every agent's score card (band, score, change, trend), the workspace's judge settings and its rubric. */
export function Overview() {
  const { workspace, report } = useWorkspace();
  const [cards, setCards] = useState<Card[] | undefined>();
  const load = useCallback(async () => {
    try { setCards(await unwrap(api.GET("/api/v1/workspaces/{workspaceId}/audits", { params: { path: { workspaceId: workspace.id } } })) as Card[]); }
    catch (err) { report(err); }
  }, [workspace.id, report]);
  useEffect(() => { void load(); }, [load]);
  useEffect(() => hub.on("audit.run", () => void load()), [load]);

  return (
    <>
      <h2>Agents</h2>
      {cards && cards.length === 0 && <p className="muted">No agents yet: connect one (Agents → Add an agent), then audit its work here.</p>}
      <ul className="plain score-cards" data-testid="score-cards">
        {cards?.map((c) => (
          <li key={c.agentUserId} className="score-card" data-testid="score-card">
            <button type="button" className="link score-card-name" onClick={() => navigate(auditsPath(workspace.id, { page: "agent", agentUserId: c.agentUserId }))} data-testid="score-card-open">
              {c.name}</button>
            {c.auditor && <span className="chip">auditor</span>}
            <Band band={c.band} overall={c.overall} delta={c.delta} />
            <Trend points={c.trend} label={`${c.name}'s last runs`} />
            <span className="muted">{c.lastRunAt ? `audited ${ago(c.lastRunAt)}` : "never audited"}{c.cadence && ` · ${c.cadence}${c.nextRunAt ? `, next ${new Date(c.nextRunAt).toLocaleString()}` : ""}`}</span>
          </li>
        ))}
      </ul>
      <JudgeSettings onSaved={load} />
      <CriteriaEditor />
    </>
  );
}

/** Who judges: the default judge, the LLM's endpoint, model and key (write-only), the auditor agents, the pause switch. */
function JudgeSettings({ onSaved }: { onSaved: () => void }) {
  const { workspace, members, isAdmin, report } = useWorkspace();
  const [saved, setSaved] = useState<Settings | undefined>();
  const [draft, setDraft] = useState<Settings & { apiKey: string } | undefined>();
  const [problem, setProblem] = useState("");
  useEffect(() => {
    void (async () => {
      try { setSaved(await unwrap(api.GET("/api/v1/workspaces/{workspaceId}/audits/settings", { params: { path: { workspaceId: workspace.id } } })) as Settings); }
      catch (err) { report(err); }
    })();
  }, [workspace.id, report]);
  const agents = members.filter((m) => m.kind === "agent");
  const [checking, setChecking] = useState(false);
  const [checked, setChecked] = useState<{ ok: boolean; model: string; detail: string; seconds: number } | undefined>();
  async function check() {
    setChecking(true); setChecked(undefined);
    try { setChecked(await unwrap(api.POST("/api/v1/workspaces/{workspaceId}/audits/settings/test", { params: { path: { workspaceId: workspace.id } } }))); }
    catch (err) { report(err); }
    finally { setChecking(false); }
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    setProblem("");
    try {
      const d = draft!;
      const body = { judge: d.judge, llmEndpoint: d.llmEndpoint, llmModel: d.llmModel, apiKey: d.apiKey === "" ? null : d.apiKey, auditorAgentIds: d.auditorAgentIds, paused: d.paused };
      setSaved(await unwrap(api.PUT("/api/v1/workspaces/{workspaceId}/audits/settings", { params: { path: { workspaceId: workspace.id } }, body })) as Settings);
      setDraft(undefined);
      onSaved();
    } catch (err) { setProblem(err instanceof Error ? err.message : String(err)); }
  }

  if (!saved) return null;
  if (!draft) return (
    <section aria-label="Judge settings" data-testid="judge-settings">
      <h2>Who judges</h2>
      <p className="muted">By default {JUDGE_LABEL[saved.judge]}{saved.judge === "llm" && saved.llmModel && ` (${saved.llmModel})`}
        {saved.auditorAgentIds.length > 0 && ` · auditors: ${saved.auditorAgentIds.map((id) => members.find((m) => m.userId === id)?.name ?? "an agent").join(", ")}`}
        {saved.paused && " · scheduled audits are paused"}.</p>
      {isAdmin && <div className="row">
        <button type="button" className="secondary" onClick={() => setDraft({ ...saved, apiKey: "" })} data-testid="judge-settings-edit">Change</button>
        {saved.llmEndpoint && saved.llmModel && <button type="button" className="secondary" onClick={check} disabled={checking} data-testid="judge-test">
          {checking ? "Asking the model…" : "Test the LLM judge"}</button>}
      </div>}
      {checked && <p role="status" className={checked.ok ? "muted" : "error"} data-testid="judge-test-result">
        {checked.ok ? `${checked.model} answered in ${checked.seconds.toFixed(1)} s.` : `${checked.model} did not work: ${checked.detail}`}</p>}
    </section>
  );
  const set = (change: Partial<typeof draft>) => setDraft({ ...draft, ...change });
  return (
    <form onSubmit={save} aria-label="Judge settings" data-testid="judge-settings">
      <h2>Who judges</h2>
      <label>Default judge
        <select value={draft.judge} onChange={(e) => set({ judge: e.target.value })} data-testid="judge-default">
          <option value="person">A person fills in the scores</option>
          <option value="llm">An LLM (OpenAI-compatible endpoint)</option>
          <option value="agent">An auditor agent</option>
        </select></label>
      <fieldset>
        <legend>LLM judge</legend>
        <label>Endpoint <input type="url" placeholder="https://api.openai.com/v1" value={draft.llmEndpoint ?? ""} onChange={(e) => set({ llmEndpoint: e.target.value || null })} /></label>
        <label>Model <input placeholder="gpt-4o-mini" value={draft.llmModel ?? ""} onChange={(e) => set({ llmModel: e.target.value || null })} /></label>
        <label>API key <input type="password" autoComplete="off" placeholder={draft.llmKeySet ? "set; type to replace" : "none"} value={draft.apiKey} onChange={(e) => set({ apiKey: e.target.value })} /></label>
        <p className="muted">The key is stored encrypted and never shown again.</p>
      </fieldset>
      <fieldset>
        <legend>Auditor agents</legend>
        {agents.length === 0 && <p className="muted">No agents yet.</p>}
        {agents.map((a) => (
          <label key={a.userId} className="check"><input type="checkbox" checked={draft.auditorAgentIds.includes(a.userId)} data-testid="auditor-agent"
            onChange={(e) => set({ auditorAgentIds: e.target.checked ? [...draft.auditorAgentIds, a.userId] : draft.auditorAgentIds.filter((x) => x !== a.userId) })} /> {a.name}</label>
        ))}
      </fieldset>
      <label className="check"><input type="checkbox" checked={draft.paused} onChange={(e) => set({ paused: e.target.checked })} /> Pause all scheduled audits</label>
      {problem && <p className="error" role="alert">{problem}</p>}
      <div className="row">
        <button type="submit" data-testid="judge-settings-save">Save</button>
        <button type="button" className="secondary" onClick={() => setDraft(undefined)}>Cancel</button>
      </div>
    </form>
  );
}

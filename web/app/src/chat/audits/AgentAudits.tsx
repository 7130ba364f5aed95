import { useCallback, useEffect, useState, type FormEvent } from "react";
import { api, unwrap } from "../../api/client";
import { hub } from "../../live/hub";
import { ago } from "../../lib/messages";
import { auditsPath, memoriesPath } from "../../lib/routes";
import { navigate } from "../../router";
import { useWorkspace } from "../context";
import { Band, Trend } from "./Band";
import { CriteriaEditor } from "./CriteriaEditor";
import { JUDGE_LABEL, WINDOW_LABEL, type Run } from "./types";

type Schedule = { cadence: string; judge: string | null; window: string; nextRunAt: string | null; lastRunId: string | null };
type Audits = { band: string; overall: number | null; delta: number | null; runs: Run[]; schedule: Schedule | null };

/** One agent's audits: its score card with the trend, the run-now wizard, its schedule, its runs (pick two to compare) and its rubric. */
export function AgentAudits({ agentUserId }: { agentUserId: string }) {
  const { workspace, members, canWrite, report } = useWorkspace();
  const [audits, setAudits] = useState<Audits | undefined>();
  const [picked, setPicked] = useState<string[]>([]);
  const name = members.find((m) => m.userId === agentUserId)?.name ?? "this agent";

  const load = useCallback(async () => {
    try { setAudits(await unwrap(api.GET("/api/v1/workspaces/{workspaceId}/agents/{agentUserId}/audits", { params: { path: { workspaceId: workspace.id, agentUserId } } })) as Audits); }
    catch (err) { report(err); }
  }, [workspace.id, agentUserId, report]);
  useEffect(() => { void load(); }, [load]);
  useEffect(() => hub.on("audit.run", (e) => { if (e.data.agentUserId === agentUserId) void load(); }), [agentUserId, load]);

  if (!audits) return <p className="muted">Loading…</p>;
  const done = audits.runs.filter((r) => r.status === "done");
  return (
    <>
      <p><button type="button" className="link" onClick={() => navigate(auditsPath(workspace.id))}>← All agents</button></p>
      <div className="score-card big" data-testid="agent-score-card">
        <h2>{name}</h2>
        <Band band={audits.band} overall={audits.overall} delta={audits.delta} />
        <Trend points={done.slice(0, 10).reverse().map((r) => r.overall ?? 0)} label={`${name}'s last runs`} />
        <button type="button" className="link" onClick={() => navigate(memoriesPath(workspace.id, agentUserId))}>Memories</button>
      </div>
      {canWrite && <RunNow agentUserId={agentUserId} onStarted={(id) => navigate(auditsPath(workspace.id, { page: "run", runId: id }))} />}
      {canWrite && <ScheduleForm agentUserId={agentUserId} schedule={audits.schedule} onSaved={load} />}
      <h2>Runs</h2>
      {audits.runs.length === 0 && <p className="muted">No runs yet.</p>}
      <ul className="plain runs" data-testid="runs">
        {audits.runs.map((r) => (
          <li key={r.id} className="run-row" data-testid="run-row">
            {r.status === "done" && <label><span className="visually-hidden">Compare this run</span>
              <input type="checkbox" checked={picked.includes(r.id)} data-testid="run-compare-pick"
                onChange={(e) => setPicked((p) => (e.target.checked ? [...p, r.id].slice(-2) : p.filter((x) => x !== r.id)))} /></label>}
            <button type="button" className="link" onClick={() => navigate(auditsPath(workspace.id, { page: "run", runId: r.id }))} data-testid="run-open">
              {new Date(r.windowStart).toLocaleDateString()} – {new Date(r.windowEnd).toLocaleDateString()}</button>
            <span className={`status status-${r.status}`} data-testid="run-status">{r.status}</span>
            {r.status === "done" && <Band band={r.band} overall={r.overall} delta={r.delta} />}
            <span className="muted">by {JUDGE_LABEL[r.judge] ?? r.judge}{r.scheduled ? ", scheduled" : ""} · {ago(r.createdAt)}{r.failure && ` · ${r.failure}`}</span>
          </li>
        ))}
      </ul>
      {picked.length === 2 && <button type="button" onClick={() => navigate(auditsPath(workspace.id, { page: "compare", runId: picked[0], otherId: picked[1] }))} data-testid="run-compare">Compare the two runs</button>}
      <CriteriaEditor agentUserId={agentUserId} />
    </>
  );
}

/** The run-now wizard: which judge (the workspace's by default), which window, which auditor agent. */
function RunNow({ agentUserId, onStarted }: { agentUserId: string; onStarted: (runId: string) => void }) {
  const { workspace, members, report } = useWorkspace();
  const [open, setOpen] = useState(false);
  const [judge, setJudge] = useState("");
  const [window, setWindow] = useState("7d");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [auditor, setAuditor] = useState("");
  const [problem, setProblem] = useState("");
  const [auditors, setAuditors] = useState<string[]>([]);
  useEffect(() => {
    if (!open) return;
    void (async () => {
      try {
        const s = await unwrap(api.GET("/api/v1/workspaces/{workspaceId}/audits/settings", { params: { path: { workspaceId: workspace.id } } }));
        setAuditors(s.auditorAgentIds.filter((id) => id !== agentUserId));
      } catch (err) { report(err); }
    })();
  }, [open, workspace.id, agentUserId, report]);

  async function start(e: FormEvent) {
    e.preventDefault();
    setProblem("");
    try {
      const run = await unwrap(api.POST("/api/v1/workspaces/{workspaceId}/agents/{agentUserId}/audits", {
        params: { path: { workspaceId: workspace.id, agentUserId } },
        body: { judge: judge || null, window, from: window === "custom" && from ? new Date(from).toISOString() : null, to: window === "custom" && to ? new Date(to).toISOString() : null,
          auditorUserId: judge === "agent" && auditor ? auditor : null },
      }));
      setOpen(false);
      onStarted(run.id);
    } catch (err) { setProblem(err instanceof Error ? err.message : String(err)); }
  }

  if (!open) return <button type="button" onClick={() => setOpen(true)} data-testid="audit-run-now">Run an audit now</button>;
  return (
    <form onSubmit={start} className="run-now" aria-label="Run an audit" data-testid="audit-wizard">
      <h2>Run an audit</h2>
      <label>Judged by
        <select value={judge} onChange={(e) => setJudge(e.target.value)} data-testid="audit-judge">
          <option value="">The workspace's judge</option>
          <option value="person">A person (you fill in the scores)</option>
          <option value="llm">The LLM judge</option>
          <option value="agent">An auditor agent</option>
        </select></label>
      {judge === "agent" && (
        <label>Auditor
          <select value={auditor} onChange={(e) => setAuditor(e.target.value)} data-testid="audit-auditor">
            <option value="">{auditors.length ? "The first available" : "No auditor agents: mark one under Who judges"}</option>
            {auditors.map((id) => <option key={id} value={id}>{members.find((m) => m.userId === id)?.name ?? id}</option>)}
          </select></label>
      )}
      <label>Over
        <select value={window} onChange={(e) => setWindow(e.target.value)} data-testid="audit-window">
          {Object.entries(WINDOW_LABEL).map(([v, l]) => <option key={v} value={v}>{l}</option>)}
        </select></label>
      {window === "custom" && <div className="row">
        <label>From <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} required /></label>
        <label>To <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} required /></label>
      </div>}
      {problem && <p className="error" role="alert" data-testid="audit-problem">{problem}</p>}
      <div className="row">
        <button type="submit" data-testid="audit-start">Start</button>
        <button type="button" className="secondary" onClick={() => setOpen(false)}>Cancel</button>
      </div>
    </form>
  );
}

/** The agent's schedule: once, daily or weekly, from a first time, over a window; or none. */
function ScheduleForm({ agentUserId, schedule, onSaved }: { agentUserId: string; schedule: Schedule | null; onSaved: () => void }) {
  const { workspace, report } = useWorkspace();
  const [cadence, setCadence] = useState(schedule?.cadence ?? "weekly");
  const [window, setWindow] = useState(schedule?.window ?? "7d");
  const [first, setFirst] = useState("");
  const path = { params: { path: { workspaceId: workspace.id, agentUserId } } };
  async function save(e: FormEvent) {
    e.preventDefault();
    try {
      await unwrap(api.PUT("/api/v1/workspaces/{workspaceId}/agents/{agentUserId}/audits/schedule", { ...path, body: { cadence, window, judge: null, firstRunAt: first ? new Date(first).toISOString() : null } }));
      onSaved();
    } catch (err) { report(err); }
  }
  async function remove() {
    try { await unwrap(api.DELETE("/api/v1/workspaces/{workspaceId}/agents/{agentUserId}/audits/schedule", path)); onSaved(); }
    catch (err) { report(err); }
  }
  return (
    <form onSubmit={save} className="row wrap" aria-label="Audit schedule" data-testid="audit-schedule">
      <span>{schedule ? <>Audited {schedule.cadence}{schedule.nextRunAt ? `, next ${new Date(schedule.nextRunAt).toLocaleString()}` : " (done)"}.</> : "No schedule."}</span>
      <label><span className="visually-hidden">How often</span>
        <select value={cadence} onChange={(e) => setCadence(e.target.value)}><option value="once">once</option><option value="daily">daily</option><option value="weekly">weekly</option></select></label>
      <label><span className="visually-hidden">Window</span>
        <select value={window} onChange={(e) => setWindow(e.target.value)}>{["24h", "7d", "30d"].map((w) => <option key={w} value={w}>{WINDOW_LABEL[w]}</option>)}</select></label>
      <label>first run <input type="datetime-local" value={first} onChange={(e) => setFirst(e.target.value)} /></label>
      <button type="submit" className="secondary">{schedule ? "Change schedule" : "Schedule"}</button>
      {schedule && <button type="button" className="link" onClick={remove}>Remove</button>}
    </form>
  );
}

import { useCallback, useEffect, useState, type FormEvent } from "react";
import { api, unwrap } from "../../api/client";
import { hub } from "../../live/hub";
import { auditsPath, messagePath, tasksPath } from "../../lib/routes";
import { navigate } from "../../router";
import { useWorkspace } from "../context";
import { Band } from "./Band";
import { JUDGE_LABEL, signed, type Evidence, type Run } from "./types";

function useRun(runId: string) {
  const { report } = useWorkspace();
  const [run, setRun] = useState<Run | undefined>();
  const load = useCallback(async () => {
    try { setRun(await unwrap(api.GET("/api/v1/audits/{runId}", { params: { path: { runId } } }))); }
    catch (err) { report(err); }
  }, [runId, report]);
  useEffect(() => { void load(); }, [load]);
  useEffect(() => hub.on("audit.run", (e) => { if (e.data.id === runId) void load(); }), [runId, load]);
  return { run, setRun, load };
}

/** Where a piece of evidence lives: its channel (a message or reply) or the task. */
function EvidenceLink({ evidence, index }: { evidence: Evidence; index: number }) {
  const { workspace } = useWorkspace();
  const go = () => navigate(evidence.kind === "task" ? tasksPath(workspace.id, evidence.id)
    : messagePath(workspace.id, evidence.channelId!, evidence.parentId ?? evidence.id, evidence.parentId ?? undefined));
  return <button type="button" className="link" onClick={go} title={evidence.text} data-testid="evidence-link">#{index + 1} {evidence.kind}</button>;
}

/** A run: status (live), scores per criterion with the judge's reasoning, findings linked to their evidence, recommendations to apply or dismiss. */
export function AuditRunPage({ runId }: { runId: string }) {
  const { workspace, names, canWrite, report } = useWorkspace();
  const { run, setRun } = useRun(runId);
  if (!run) return <p className="muted">Loading…</p>;
  const index = new Map(run.evidence.map((e, i) => [e.id, i]));
  const weight = new Map(run.criteria.map((c) => [c.name, c.weight]));

  async function decide(id: string, apply: boolean) {
    try {
      setRun(apply
        ? await unwrap(api.POST("/api/v1/audits/{runId}/recommendations/{recommendationId}/apply", { params: { path: { runId, recommendationId: id } } }))
        : await unwrap(api.POST("/api/v1/audits/{runId}/recommendations/{recommendationId}/dismiss", { params: { path: { runId, recommendationId: id } } })));
    } catch (err) { report(err); }
  }

  return (
    <article data-testid="audit-run">
      <p><button type="button" className="link" onClick={() => navigate(auditsPath(workspace.id, { page: "agent", agentUserId: run.agentUserId }))}>← {names.get(run.agentUserId) ?? "Agent"}'s audits</button></p>
      <h2>Audit of {names.get(run.agentUserId) ?? "an agent"}</h2>
      <p className="muted">{new Date(run.windowStart).toLocaleString()} – {new Date(run.windowEnd).toLocaleString()} · judged by {JUDGE_LABEL[run.judge] ?? run.judge}
        {run.auditorUserId && ` (${names.get(run.auditorUserId) ?? "auditor"})`} · rubric {run.criteriaSource} v{run.criteriaVersion} · {run.evidence.length} pieces of evidence</p>
      <p><span className={`status status-${run.status}`} data-testid="audit-status">{run.status}</span>
        {run.failure && <span className="error" data-testid="audit-failure"> {run.failure}</span>}
        {run.status === "queued" && <span className="muted"> waiting for the judge…</span>}
        {run.status === "running" && run.judge === "agent" && <span className="muted"> the auditor agent is judging…</span>}
        {run.status === "done" && <> <Band band={run.band} overall={run.overall} delta={run.delta} />{run.baseline && <span className="chip">baseline</span>}</>}</p>
      {run.status === "running" && run.judge === "person" && canWrite && <PersonScores run={run} onDone={setRun} />}
      {run.scores && (
        <table className="scores run-scores" data-testid="audit-scores">
          <thead><tr><th scope="col">Criterion</th><th scope="col">Weight</th><th scope="col">Score</th><th scope="col">Why</th></tr></thead>
          <tbody>{run.scores.map((s) => (
            <tr key={s.criterion} data-testid="audit-score">
              <th scope="row">{s.criterion}</th><td data-label="weight">{weight.get(s.criterion)}</td>
              <td><meter min={0} max={100} low={70} high={85} optimum={100} value={s.score} aria-label={`${s.criterion} score`} /> <strong>{s.score}</strong></td>
              <td className="muted why">{s.reasoning}</td>
            </tr>))}
          </tbody>
        </table>
      )}
      {run.notes && <p data-testid="audit-notes">{run.notes}</p>}
      {run.findings.length > 0 && <>
        <h3>Findings</h3>
        <ul className="plain findings" data-testid="findings">{run.findings.map((f, i) => (
          <li key={i} data-testid="finding"><span className={`chip severity-${f.severity}`}>{f.severity}</span> <strong>{f.title}</strong>{f.criterion && <span className="muted"> · {f.criterion}</span>}
            {f.description && <p className="muted">{f.description}</p>}
            {(f.evidence ?? []).map((id) => index.has(id) && <EvidenceLink key={id} evidence={run.evidence[index.get(id)!]} index={index.get(id)!} />)}
          </li>))}
        </ul></>}
      {run.recommendations.length > 0 && <>
        <h3>Recommendations</h3>
        <ul className="plain" data-testid="recommendations">{run.recommendations.map((r) => (
          <li key={r.id} data-testid="recommendation" data-status={r.status}>
            <span className="chip">{r.kind.replace("_", " ")}</span> {r.text}
            <span className="muted"> · effort {r.effort ?? "?"}{r.expectedLift !== null && r.expectedLift !== undefined && ` · ${signed(r.expectedLift)} expected`}</span>
            {r.status === "open" && canWrite ? <span className="row inline">
              {r.kind === "action" && <button type="button" onClick={() => decide(r.id, true)} data-testid="recommendation-apply">Apply (make a task)</button>}
              <button type="button" className="secondary" onClick={() => decide(r.id, false)} data-testid="recommendation-dismiss">Dismiss</button></span>
              : <span className="muted" data-testid="recommendation-status"> · {r.status}{r.taskId && <> — <button type="button" className="link" onClick={() => navigate(tasksPath(workspace.id, r.taskId!))} data-testid="recommendation-task">open the task</button></>}</span>}
          </li>))}
        </ul></>}
      <details>
        <summary>Evidence ({run.evidence.length})</summary>
        <ol className="evidence">{run.evidence.map((e, i) => <li key={e.id}><EvidenceLink evidence={e} index={i} /> <span className="muted">{new Date(e.at).toLocaleString()}</span> {e.text}</li>)}</ol>
      </details>
      {run.trace && (
        <details data-testid="audit-trace">
          <summary>How the LLM judged ({run.trace.model})</summary>
          <ul className="plain">{run.trace.calls.map((c) => <li key={c.criterion}>{c.criterion}: prompt sha256 <code>{c.promptSha256.slice(0, 16)}…</code>, {c.seconds.toFixed(1)} s
            {c.dropped.length > 0 && <span className="muted"> · dropped: {c.dropped.join("; ")}</span>}</li>)}</ul>
        </details>
      )}
    </article>
  );
}

/** A person's scores for a run: one 0..100 per enabled criterion of its snapshot, with notes. */
function PersonScores({ run, onDone }: { run: Run; onDone: (run: Run) => void }) {
  const enabled = run.criteria.filter((c) => c.enabled);
  const [scores, setScores] = useState<Record<string, string>>({});
  const [notes, setNotes] = useState("");
  const [problem, setProblem] = useState("");
  async function submit(e: FormEvent) {
    e.preventDefault();
    setProblem("");
    try {
      onDone(await unwrap(api.POST("/api/v1/audits/{runId}/scores", { params: { path: { runId: run.id } },
        body: { scores: enabled.map((c) => ({ criterion: c.name, score: Number(scores[c.name] ?? ""), reasoning: null })), notes: notes || null, findings: null, recommendations: null } })));
    } catch (err) { setProblem(err instanceof Error ? err.message : String(err)); }
  }
  return (
    <form onSubmit={submit} aria-label="Your scores" data-testid="person-scores">
      {enabled.map((c) => <label key={c.name}>{c.name} ({c.weight}) <input type="number" min={0} max={100} required value={scores[c.name] ?? ""}
        onChange={(e) => setScores({ ...scores, [c.name]: e.target.value })} data-testid="person-score" /></label>)}
      <label>Notes <textarea rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} /></label>
      {problem && <p className="error" role="alert">{problem}</p>}
      <button type="submit" data-testid="person-scores-save">Record the scores</button>
    </form>
  );
}

/** Two finished runs side by side: each criterion's score and the change, the overall and band. */
export function CompareRuns({ runId, otherId }: { runId: string; otherId: string }) {
  const { workspace, names } = useWorkspace();
  const a = useRun(runId).run, b = useRun(otherId).run;
  if (!a || !b) return <p className="muted">Loading…</p>;
  const [older, newer] = new Date(a.createdAt) <= new Date(b.createdAt) ? [a, b] : [b, a];
  const criteria = [...new Set([...(older.scores ?? []), ...(newer.scores ?? [])].map((s) => s.criterion))];
  const score = (r: Run, c: string) => r.scores?.find((s) => s.criterion === c)?.score;
  const when = (r: Run) => new Date(r.windowEnd).toLocaleDateString();
  return (
    <article data-testid="audit-compare">
      <p><button type="button" className="link" onClick={() => navigate(auditsPath(workspace.id, { page: "agent", agentUserId: newer.agentUserId }))}>← {names.get(newer.agentUserId) ?? "Agent"}'s audits</button></p>
      <h2>Two audits of {names.get(newer.agentUserId) ?? "an agent"}</h2>
      <table className="scores">
        <thead><tr><th scope="col">Criterion</th><th scope="col">{when(older)}</th><th scope="col">{when(newer)}</th><th scope="col">Change</th></tr></thead>
        <tbody>
          {criteria.map((c) => {
            const [x, y] = [score(older, c), score(newer, c)];
            return <tr key={c} data-testid="compare-row"><th scope="row">{c}</th><td>{x ?? "—"}</td><td>{y ?? "—"}</td><td>{x !== undefined && y !== undefined ? signed(y - x) : "not in both"}</td></tr>;
          })}
          <tr><th scope="row">Overall</th><td><Band band={older.band} overall={older.overall} /></td><td><Band band={newer.band} overall={newer.overall} /></td>
            <td data-testid="compare-overall-change">{older.overall !== null && newer.overall !== null ? signed(newer.overall - older.overall) : ""}</td></tr>
          <tr><th scope="row">Findings</th><td>{older.findings.length}</td><td>{newer.findings.length}</td><td /></tr>
        </tbody>
      </table>
    </article>
  );
}

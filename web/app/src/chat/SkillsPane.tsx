import { useCallback, useEffect, useState, type FormEvent } from "react";
import { api, unwrap, type SkillItem } from "../api/client";
import { hub } from "../live/hub";
import { skillsPath } from "../lib/routes";
import { navigate } from "../router";
import { useWorkspace } from "./context";
import { Markdown } from "./Markdown";

type Assignment = { agentUserId: string; agentName: string; version: number; status: string; error: string | null };

/** The workspace's skills library: import a SKILL.md (pasted or a file), read it, see its versions and which agents have it. */
export function SkillsPane({ header, openSkillId }: { header: React.ReactNode; openSkillId?: string }) {
  const { workspace, canWrite, report } = useWorkspace();
  const [skills, setSkills] = useState<SkillItem[] | undefined>();
  const [content, setContent] = useState("");
  const [errors, setErrors] = useState<string[]>([]);

  const load = useCallback(() => unwrap(api.GET("/api/v1/workspaces/{workspaceId}/skills", { params: { path: { workspaceId: workspace.id } } }))
    .then((r) => setSkills(r.items), report), [workspace.id, report]);
  useEffect(() => {
    void load();
    const offs = ["skill.created", "skill.updated"].map((t) => hub.on(t, () => void load()));
    return () => offs.forEach((off) => off());
  }, [load]);

  async function importSkill(e: FormEvent) {
    e.preventDefault();
    setErrors([]);
    const { data, error, response } = await api.POST("/api/v1/workspaces/{workspaceId}/skills", { params: { path: { workspaceId: workspace.id } }, body: { content } });
    if (response.ok && data) { setContent(""); await load(); navigate(skillsPath(workspace.id, data.id)); return; }
    const problem = (error ?? {}) as { errors?: Record<string, string[]>; detail?: string };
    setErrors(problem.errors ? Object.values(problem.errors).flat() : [problem.detail ?? "Could not import the skill."]);
  }

  return (
    <main className="channel skills" aria-label="Skills">
      {header}
      <div className="skills-body">
        <section aria-label="Library">
          <ul className="results skill-list" data-testid="skill-list">
            {skills?.length === 0 && <li className="muted pad">No skills yet: import a SKILL.md below.</li>}
            {skills?.map((s) => (
              <li key={s.id}>
                <button type="button" data-testid="skill-item" aria-current={s.id === openSkillId ? "true" : undefined} onClick={() => navigate(skillsPath(workspace.id, s.id))}>
                  <strong>{s.name}</strong> <span className="muted">v{s.latestVersion}</span>
                  <span className="where">{s.description}</span>
                </button>
              </li>
            ))}
          </ul>
          {canWrite && (
            <form onSubmit={importSkill} className="skill-import" aria-label="Import a skill">
              <label>Paste a SKILL.md, or choose a file
                <textarea rows={8} value={content} onChange={(e) => setContent(e.target.value)} placeholder={"---\nname: my-skill\ndescription: What it does\n---\nInstructions…"} data-testid="skill-content" />
              </label>
              <div className="row">
                <label className="grow"><span className="visually-hidden">SKILL.md file</span>
                  <input type="file" accept=".md,text/markdown,text/plain" data-testid="skill-file" onChange={async (e) => { const f = e.target.files?.[0]; if (f) setContent(await f.text()); }} /></label>
                <button type="submit" disabled={!content.trim()} data-testid="skill-import">Import</button>
              </div>
              {errors.length > 0 && <ul className="error" role="alert" data-testid="skill-errors">{errors.map((x) => <li key={x}>{x}</li>)}</ul>}
            </form>
          )}
        </section>
        {openSkillId && <SkillDetail key={openSkillId} skillId={openSkillId} />}
      </div>
    </main>
  );
}

function SkillDetail({ skillId }: { skillId: string }) {
  const { workspace, members, canWrite, report } = useWorkspace();
  const [skill, setSkill] = useState<SkillItem | undefined>();
  const [versions, setVersions] = useState<{ number: number; contentHash: string; createdAt: string }[]>([]);
  const [assignments, setAssignments] = useState<Assignment[]>([]);
  const [source, setSource] = useState(false);
  const [agent, setAgent] = useState("");
  const [draft, setDraft] = useState<string | undefined>();
  const [editErrors, setEditErrors] = useState<string[]>([]);

  const load = useCallback(async () => {
    try {
      const d = await unwrap(api.GET("/api/v1/skills/{skillId}", { params: { path: { skillId } } }));
      setSkill(d.skill); setVersions(d.versions);
      setAssignments(await unwrap(api.GET("/api/v1/skills/{skillId}/assignments", { params: { path: { skillId } } })) as Assignment[]);
    } catch (err) { report(err); }
  }, [skillId, report]);
  useEffect(() => {
    void load();
    const offs = ["skill.updated", "skill.delivery"].map((t) => hub.on(t, (e) => { if (e.data.skillId === skillId || e.data.id === skillId) void load(); }));
    return () => offs.forEach((off) => off());
  }, [skillId, load]);

  async function assign() {
    if (!agent) return;
    try { await unwrap(api.POST("/api/v1/skills/{skillId}/assignments", { params: { path: { skillId } }, body: { agentUserId: agent } })); setAgent(""); await load(); }
    catch (err) { report(err); }
  }
  // An edit is a new version: the same import, with the same name in its front matter.
  async function saveEdit(e: FormEvent) {
    e.preventDefault();
    if (draft === undefined) return;
    const { data, error } = await api.POST("/api/v1/workspaces/{workspaceId}/skills", { params: { path: { workspaceId: workspace.id } }, body: { content: draft } });
    if (data) {
      setDraft(undefined); setEditErrors([]);
      if (data.id !== skillId) navigate(skillsPath(workspace.id, data.id)); else await load();
      return;
    }
    const problem = (error ?? {}) as { errors?: Record<string, string[]>; detail?: string };
    setEditErrors(problem.errors ? Object.values(problem.errors).flat() : [problem.detail ?? "Could not save the skill."]);
  }
  async function unassign(agentUserId: string) {
    try { await unwrap(api.DELETE("/api/v1/skills/{skillId}/assignments/{agentUserId}", { params: { path: { skillId, agentUserId } } })); await load(); }
    catch (err) { report(err); }
  }

  if (!skill) return <aside className="side-panel"><p className="muted pad">Loading…</p></aside>;
  const agents = members.filter((m) => m.kind === "agent" && !assignments.some((a) => a.agentUserId === m.userId));
  return (
    <section className="skill-detail" aria-label={`Skill ${skill.name}`} data-testid="skill-detail">
      <header className="row">
        <h2 className="grow">{skill.name} <span className="muted">v{skill.latestVersion}</span></h2>
        {canWrite && draft === undefined && <button type="button" className="secondary" onClick={() => setDraft(skill.content)} data-testid="skill-edit">Edit</button>}
        <button type="button" className="secondary" aria-pressed={source} onClick={() => setSource(!source)} data-testid="skill-source-toggle">{source ? "Rendered" : "Source"}</button>
        <button type="button" className="icon" aria-label="Close skill" onClick={() => navigate(skillsPath(workspace.id))}>✕</button>
      </header>
      <p className="muted">{skill.description}</p>
      {draft !== undefined ? (
        <form onSubmit={saveEdit} className="skill-import" aria-label={`Edit ${skill.name}`}>
          <label><span>SKILL.md (saving makes version {skill.latestVersion + 1} and sends it to every agent that has the skill)</span>
            <textarea value={draft} onChange={(e) => setDraft(e.target.value)} rows={14} spellCheck={false} data-testid="skill-edit-content" /></label>
          <div className="row">
            <button type="submit" disabled={!draft.trim() || draft === skill.content} data-testid="skill-save">Save version {skill.latestVersion + 1}</button>
            <button type="button" className="secondary" onClick={() => { setDraft(undefined); setEditErrors([]); }}>Cancel</button>
          </div>
          {editErrors.length > 0 && <ul className="error" role="alert" data-testid="skill-edit-errors">{editErrors.map((x) => <li key={x}>{x}</li>)}</ul>}
        </form>
      ) : source ? <pre className="skill-source" data-testid="skill-source">{skill.content}</pre> : <div className="text" data-testid="skill-rendered"><Markdown text={skill.body} /></div>}
      <h3>Used by</h3>
      <ul className="plain" data-testid="skill-assignments">
        {assignments.length === 0 && <li className="muted">No agent has it yet.</li>}
        {assignments.map((a) => (
          <li key={a.agentUserId} className="row">
            <span className="grow">{a.agentName} · v{a.version} · <span data-testid="delivery-status" className={`delivery ${a.status}`}>{a.status}</span>{a.error ? ` (${a.error})` : ""}</span>
            {canWrite && <button type="button" className="secondary" onClick={() => unassign(a.agentUserId)}>Unassign</button>}
          </li>
        ))}
      </ul>
      {canWrite && agents.length > 0 && (
        <div className="row">
          <label className="grow"><span className="visually-hidden">Agent</span>
            <select value={agent} onChange={(e) => setAgent(e.target.value)} data-testid="skill-assign-agent">
              <option value="">Assign to an agent…</option>
              {agents.map((m) => <option key={m.userId} value={m.userId}>{m.name}</option>)}
            </select></label>
          <button type="button" disabled={!agent} onClick={assign} data-testid="skill-assign">Assign</button>
        </div>
      )}
      <h3>Versions</h3>
      <ol className="plain">{versions.map((v) => <li key={v.number}>v{v.number} <span className="muted">{new Date(v.createdAt).toLocaleString()} · {v.contentHash.slice(0, 12)}</span></li>)}</ol>
    </section>
  );
}

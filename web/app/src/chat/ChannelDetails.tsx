import { useEffect, useState, type FormEvent } from "react";
import { api, describe, unwrap, type Channel } from "../api/client";
import { useWorkspace } from "./context";
import { Dialog } from "./Dialog";

type ChannelMember = { userId: string; name: string; kind: string };

/** A channel's settings: topic, name, members (and adding people), leaving and archiving. */
export function ChannelDetails({ channel, onClose, onLeft }: { channel: Channel; onClose: () => void; onLeft: () => void }) {
  const { members: everyone, isAdmin, canWrite } = useWorkspace();
  const [name, setName] = useState(channel.name);
  const [topic, setTopic] = useState(channel.topic);
  const [members, setMembers] = useState<ChannelMember[]>([]);
  const [adding, setAdding] = useState("");
  const [error, setError] = useState("");
  const [saved, setSaved] = useState("");

  const loadMembers = () => unwrap(api.GET("/api/v1/channels/{channelId}/members", { params: { path: { channelId: channel.id } } })).then(setMembers, (e) => setError(describe(e)));
  useEffect(() => { void loadMembers(); }, [channel.id]); // eslint-disable-line react-hooks/exhaustive-deps

  async function save(e: FormEvent) {
    e.preventDefault();
    setError(""); setSaved("");
    try {
      const body: { name?: string; topic?: string } = {};
      if (name !== channel.name) body.name = name;
      if (topic !== channel.topic) body.topic = topic;
      if (!body.name && body.topic === undefined) return;
      const updated = await unwrap(api.PATCH("/api/v1/channels/{channelId}", { params: { path: { channelId: channel.id } }, body }));
      setName(updated.name); setTopic(updated.topic); setSaved("Saved.");
    } catch (err) { setError(describe(err)); }
  }

  async function add() {
    if (!adding) return;
    try {
      await unwrap(api.POST("/api/v1/channels/{channelId}/members", { params: { path: { channelId: channel.id } }, body: { userId: adding } }));
      setAdding("");
      await loadMembers();
    } catch (err) { setError(describe(err)); }
  }

  async function act(what: "leave" | "archive") {
    try {
      if (what === "leave") { await unwrap(api.POST("/api/v1/channels/{channelId}/leave", { params: { path: { channelId: channel.id } } })); onLeft(); }
      else { await unwrap(api.POST("/api/v1/channels/{channelId}/archive", { params: { path: { channelId: channel.id } } })); onClose(); }
    } catch (err) { setError(describe(err)); }
  }

  const outside = everyone.filter((m) => !members.some((x) => x.userId === m.userId));
  const editable = canWrite && !channel.archivedAt;
  return (
    <Dialog title={`${channel.isPrivate ? "🔒" : "#"} ${channel.name}`} onClose={onClose} testId="channel-details">
      <form onSubmit={save}>
        <label>Name<input value={name} onChange={(e) => setName(e.target.value)} disabled={!editable} maxLength={80} data-testid="channel-name-input" /></label>
        <label>Topic<input value={topic} onChange={(e) => setTopic(e.target.value)} disabled={!editable} maxLength={250} data-testid="channel-topic-input" /></label>
        {editable && <div className="row end"><span className="muted" aria-live="polite">{saved}</span><button type="submit" data-testid="channel-save">Save</button></div>}
      </form>
      <h3>Members ({members.length})</h3>
      <ul className="scroll plain" data-testid="channel-members">{members.map((m) => <li key={m.userId}>{m.name}{m.kind === "agent" && <span className="tag">agent</span>}</li>)}</ul>
      {editable && channel.isMember && outside.length > 0 && (
        <div className="row">
          <label className="grow"><span className="visually-hidden">Add someone</span>
            <select value={adding} onChange={(e) => setAdding(e.target.value)} data-testid="channel-add-select">
              <option value="">Add someone…</option>
              {outside.map((m) => <option key={m.userId} value={m.userId}>{m.name}{m.kind === "agent" ? " (agent)" : ""}</option>)}
            </select>
          </label>
          <button type="button" onClick={add} disabled={!adding} data-testid="channel-add">Add</button>
        </div>
      )}
      <p className="error" role="alert">{error}</p>
      <div className="row end">
        {channel.isMember && channel.name !== "general" && <button type="button" className="secondary" onClick={() => act("leave")} data-testid="channel-leave">Leave channel</button>}
        {(isAdmin || editable) && !channel.archivedAt && channel.name !== "general" && <button type="button" className="danger" onClick={() => act("archive")} data-testid="channel-archive">Archive</button>}
      </div>
    </Dialog>
  );
}

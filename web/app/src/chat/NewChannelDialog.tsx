import { useState, type FormEvent } from "react";
import { api, describe, unwrap, type Channel } from "../api/client";
import { useWorkspace } from "./context";
import { Dialog } from "./Dialog";

/** Creates a channel: a name in any script (kept as a lowercase slug by the server), public or private. */
export function NewChannelDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (c: Channel) => void }) {
  const { workspace } = useWorkspace();
  const [name, setName] = useState("");
  const [topic, setTopic] = useState("");
  const [isPrivate, setPrivate] = useState(false);
  const [error, setError] = useState("");

  async function create(e: FormEvent) {
    e.preventDefault();
    setError("");
    try {
      onCreated(await unwrap(api.POST("/api/v1/workspaces/{workspaceId}/channels", {
        params: { path: { workspaceId: workspace.id } }, body: { name, isPrivate, topic: topic || null },
      })));
    } catch (err) { setError(describe(err)); }
  }

  return (
    <Dialog title="Create a channel" onClose={onClose} testId="new-channel-dialog">
      <form onSubmit={create}>
        <label>Name
          <input data-testid="new-channel-name" required maxLength={80} value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. plan-budget" autoFocus />
        </label>
        <label>Topic (optional)
          <input maxLength={250} value={topic} onChange={(e) => setTopic(e.target.value)} />
        </label>
        <label className="check"><input type="checkbox" checked={isPrivate} onChange={(e) => setPrivate(e.target.checked)} data-testid="new-channel-private" />
          Private: only people added can see it</label>
        <p className="error" role="alert">{error}</p>
        <div className="row end">
          <button type="button" className="secondary" onClick={onClose}>Cancel</button>
          <button type="submit" data-testid="new-channel-create">Create</button>
        </div>
      </form>
    </Dialog>
  );
}

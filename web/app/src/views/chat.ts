import { api, ApiError, Channel, Member, Message, Page, Reaction, User, Workspace } from "../api.js";
import { clear, h, time } from "../dom.js";
import { hub, WorkspaceEvent } from "../events.js";

const TYPING_SEND_EVERY_MS = 3000;
// Read receipts while messages stream into a visible channel: at most one per channel this often.
const READ_EVERY_MS = 2000;
const TYPING_SHOWN_FOR_MS = 4000;

/** The workspace screen: channels and people on the left, one channel (and a thread) on the right. */
export class ChatView {
  readonly root = h("div", { class: "chat" });
  private readonly sidebar = h("nav", { class: "sidebar", "data-testid": "sidebar" });
  private readonly messages = h("ol", { class: "messages", "data-testid": "messages" });
  private readonly header = h("header", { class: "channel-header" });
  private readonly typing = h("div", { class: "typing", "data-testid": "typing", "aria-live": "polite" });
  private readonly composer = h("textarea", { rows: "2", placeholder: "Write a message", "data-testid": "composer" });
  private readonly status = h("div", { class: "connection muted", "data-testid": "connection" });
  private readonly error = h("p", { class: "error", role: "alert" });
  private readonly thread = h("aside", { class: "thread", hidden: true, "data-testid": "thread" });

  private workspace!: Workspace;
  private channels: Channel[] = [];
  private members = new Map<string, Member>();
  private online = new Set<string>();
  // Agents' presence from the MQTT bridge: online, busy, away or offline, and when last seen.
  private agents = new Map<string, { status: string; lastSeen: string | null }>();
  private typers = new Map<string, number>();
  private current?: Channel;
  private threadRoot?: string;
  private lastTypingSent = 0;
  private readTimer?: number;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly me: User, private readonly navigate: (path: string) => void) {
    const send = h("button", { "data-testid": "send" }, "Send");
    const form = h("form", { class: "composer" }, this.composer, send);
    form.addEventListener("submit", (e) => { e.preventDefault(); void this.send(); });
    this.composer.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); void this.send(); }
    });
    this.composer.addEventListener("input", () => void this.sendTyping());
    this.root.append(this.sidebar, h("section", { class: "channel" }, this.header, this.messages, this.typing, this.error, form), this.thread);
  }

  async open(workspaceId: string, channelId?: string): Promise<void> {
    const [workspace, members] = await Promise.all([
      api<Workspace>("GET", `/workspaces/${workspaceId}`),
      api<Member[]>("GET", `/workspaces/${workspaceId}/members`),
    ]);
    this.workspace = workspace;
    this.members = new Map(members.map((m) => [m.userId, m]));
    await this.loadChannels();
    this.listen();
    hub.open(workspaceId);
    const target = this.channels.find((c) => c.id === channelId) ?? this.channels.find((c) => c.name === "general" && c.isMember) ?? this.channels[0];
    if (target) await this.select(target.id);
  }

  dispose(): void {
    this.unsubscribe.forEach((u) => u());
    if (this.readTimer) clearTimeout(this.readTimer);
    hub.close();
  }

  private listen(): void {
    const on = (type: string, fn: (e: WorkspaceEvent) => void) => this.unsubscribe.push(hub.on(type, fn));
    on("message.created", (e) => this.onMessageCreated(e.data as Message));
    on("message.updated", (e) => this.replaceMessage(e.data as Message));
    on("message.deleted", (e) => this.markDeleted(e.data.id));
    on("reaction.changed", (e) => this.renderReactions(e.data.messageId, e.data.reactions));
    on("thread.updated", (e) => this.renderReplyCount(e.data.parentId, e.data.replyCount));
    on("read.updated", (e) => this.setUnread(e.data.channelId, 0));
    on("typing", (e) => this.onTyping(e.data.userId, e.data.channelId));
    on("presence.snapshot", (e) => {
      this.online = new Set(e.data.online);
      this.agents = new Map((e.data.agents ?? []).map((a: any) => [a.userId, { status: a.status, lastSeen: a.lastSeen }]));
      this.renderSidebar();
    });
    on("presence", (e) => {
      if (e.data.kind === "agent") this.agents.set(e.data.userId, { status: e.data.status, lastSeen: e.data.lastSeen ?? null });
      else if (e.data.status === "offline") this.online.delete(e.data.userId); else this.online.add(e.data.userId);
      this.renderSidebar();
    });
    on("connection", (e) => { this.status.textContent = e.data.state === "open" ? "" : "Reconnecting…"; });
    // The stream could not replay what was missed (too long away): start again from the server's state.
    on("reset", () => location.reload());
    // Signed out (here or elsewhere), or the password changed: back to sign-in.
    on("session.ended", () => { hub.close(); location.assign("/"); });
    for (const type of ["channel.created", "channel.updated", "channel.member_joined", "channel.member_left"])
      on(type, () => void this.loadChannels());
    for (const type of ["workspace.member_joined", "workspace.member_updated", "workspace.member_removed"])
      on(type, (e) => {
        if (type === "workspace.member_removed" && e.data.userId === this.me.id) { this.navigate("/"); return; }
        void api<Member[]>("GET", `/workspaces/${this.workspace.id}/members`).then((m) => { this.members = new Map(m.map((x) => [x.userId, x])); this.renderSidebar(); });
      });
  }

  private async loadChannels(): Promise<void> {
    this.channels = await api<Channel[]>("GET", `/workspaces/${this.workspace.id}/channels`);
    this.renderSidebar();
  }

  private renderSidebar(): void {
    clear(this.sidebar);
    const channelItem = (c: Channel) => {
      const unread = c.unreadCount > 0 && c.id !== this.current?.id;
      return h("li", {},
        h("button", {
          class: `channel-link${c.id === this.current?.id ? " active" : ""}${unread ? " unread" : ""}`,
          "data-testid": `channel-${c.type === "dm" ? "dm-" + (c.dmPeer?.name ?? "") : c.name}`,
          onclick: () => void this.select(c.id),
        },
        c.type === "dm" ? this.presenceDot(c.dmPeer?.id) : (c.isPrivate ? "🔒 " : "# "),
        c.name, c.isMember ? "" : h("span", { class: "muted" }, " (join)"),
        unread ? h("span", { class: "badge", "data-testid": "unread" }, String(c.unreadCount)) : null));
    };
    const newChannel = h("button", { class: "link", "data-testid": "new-channel", onclick: () => void this.createChannel() }, "+ Add a channel");
    const invite = h("button", { class: "link", "data-testid": "invite", onclick: () => void this.invite() }, "+ Invite people");
    const people = [...this.members.values()].filter((m) => m.userId !== this.me.id).map((m) =>
      h("li", {}, h("button", { class: "channel-link", "data-testid": `person-${m.name}`, onclick: () => void this.openDm(m.userId) },
        this.presenceDot(m.userId), m.name, m.kind === "agent" ? h("span", { class: "tag" }, "agent") : null, this.agentStatus(m))));
    this.sidebar.append(
      h("div", { class: "workspace-name" }, h("button", { class: "link", onclick: () => this.navigate("/") }, "⟵"), ` ${this.workspace.name}`),
      h("div", { class: "me muted" }, this.presenceDot(this.me.id), this.me.name, " ", h("span", { class: "role" }, this.workspace.role)),
      h("h2", {}, "Channels"), h("ul", {}, ...this.channels.filter((c) => c.type === "channel").map(channelItem)), newChannel,
      h("h2", {}, "Direct messages"), h("ul", {}, ...this.channels.filter((c) => c.type === "dm").map(channelItem)),
      h("h2", {}, "People"), h("ul", { "data-testid": "people" }, ...people), invite, this.status);
  }

  private presenceDot(userId?: string): HTMLElement {
    const agent = userId === undefined ? undefined : this.agents.get(userId);
    if (agent) {
      const state = agent.status === "offline" ? "offline" : agent.status === "online" ? "online" : agent.status;
      return h("span", { class: `dot ${state}`, title: agent.status, "data-testid": state });
    }
    const on = userId !== undefined && this.online.has(userId);
    return h("span", { class: `dot ${on ? "online" : "offline"}`, title: on ? "online" : "offline", "data-testid": on ? "online" : "offline" });
  }

  /** "busy", "away", or "last seen 5 min ago" beside an agent's name. */
  private agentStatus(m: Member): HTMLElement | null {
    const agent = this.agents.get(m.userId);
    if (m.kind !== "agent" || !agent || agent.status === "online") return null;
    const text = agent.status !== "offline" ? agent.status : agent.lastSeen ? `last seen ${ago(agent.lastSeen)}` : "never connected";
    return h("span", { class: "muted agent-status", "data-testid": "agent-status" }, ` ${text}`);
  }

  private async select(channelId: string): Promise<void> {
    let channel = this.channels.find((c) => c.id === channelId);
    if (!channel) return;
    if (!channel.isMember && channel.type === "channel" && !channel.archivedAt) {
      channel = await api<Channel>("POST", `/channels/${channelId}/join`);
      await this.loadChannels();
    }
    this.current = channel;
    this.closeThread();
    history.replaceState(null, "", `/w/${this.workspace.id}/c/${channel.id}`);
    clear(this.header);
    this.header.append(h("h1", { "data-testid": "channel-title" }, channel.type === "dm" ? channel.name : `#${channel.name}`),
      ...(channel.topic ? [h("p", { class: "muted" }, channel.topic)] : []));
    const canWrite = this.workspace.role !== "viewer" && !channel.archivedAt;
    this.composer.disabled = !canWrite;
    this.composer.placeholder = canWrite ? `Message ${channel.type === "dm" ? channel.name : "#" + channel.name}` : "You can read this channel but not post.";
    const page = await api<Page>("GET", `/channels/${channelId}/messages?limit=50`);
    clear(this.messages);
    for (const m of [...page.items].reverse()) this.messages.append(this.renderMessage(m));
    this.scrollToEnd();
    await this.markRead();
    this.renderSidebar();
  }

  private renderMessage(m: Message): HTMLElement {
    const mine = m.author.id === this.me.id;
    const admin = this.workspace.role === "owner" || this.workspace.role === "admin";
    const actions = h("span", { class: "actions" },
      h("button", { class: "icon", title: "React 👍", "data-testid": "react", onclick: () => void api("POST", `/messages/${m.id}/reactions`, { emoji: "👍" }) }, "👍"),
      m.parentId ? null : h("button", { class: "icon", title: "Reply in thread", "data-testid": "reply", onclick: () => void this.openThread(m.id) }, "💬"),
      mine ? h("button", { class: "icon", title: "Edit", "data-testid": "edit", onclick: () => this.edit(m.id) }, "✏️") : null,
      mine || admin ? h("button", { class: "icon", title: "Delete", "data-testid": "delete", onclick: () => void this.remove(m.id) }, "🗑") : null);
    const li = h("li", { class: "message", "data-id": m.id, "data-testid": "message" },
      h("div", { class: "meta" }, h("strong", {}, m.author.name), m.author.kind === "agent" ? h("span", { class: "tag" }, "agent") : null,
        h("time", { datetime: m.createdAt }, time(m.createdAt)), h("span", { class: "edited muted" }, m.editedAt ? " (edited)" : ""), actions),
      h("div", { class: "text", "data-testid": "message-text" }, ...this.renderText(m)),
      h("div", { class: "reactions" }),
      h("button", { class: "link replies", hidden: m.replyCount === 0 || m.parentId !== null, onclick: () => void this.openThread(m.id) }, `${m.replyCount} replies`));
    if (m.deletedAt) li.classList.add("deleted");
    this.fillReactions(li, m.reactions);
    return li;
  }

  /** Shows <@userId> mentions as @Name; everything else is plain text. */
  private renderText(m: Message): (Node | string)[] {
    if (m.deletedAt) return ["This message was deleted."];
    return m.text.split(/(<@[0-9a-f-]{36}>)/).map((part) => {
      const id = /^<@([0-9a-f-]{36})>$/.exec(part)?.[1];
      return id ? h("span", { class: "mention" }, `@${this.members.get(id)?.name ?? "someone"}`) : part;
    });
  }

  private fillReactions(li: Element, reactions: Reaction[]): void {
    const box = li.querySelector(".reactions")!;
    clear(box);
    for (const r of reactions)
      box.append(h("button", { class: `reaction${r.userIds.includes(this.me.id) ? " mine" : ""}`, "data-testid": "reaction",
        onclick: () => void api("POST", `/messages/${li.getAttribute("data-id")}/reactions`, { emoji: r.emoji }) }, `${r.emoji} ${r.count}`));
  }

  private find(messageId: string): HTMLElement | null {
    return this.root.querySelector(`[data-id="${messageId}"]`);
  }

  private onMessageCreated(m: Message): void {
    if (m.parentId) {
      if (this.threadRoot === m.parentId) this.thread.querySelector("ol")?.append(this.renderMessage(m));
      return;
    }
    if (m.channelId === this.current?.id) {
      if (this.find(m.id)) return;
      const atEnd = this.messages.scrollHeight - this.messages.scrollTop - this.messages.clientHeight < 80;
      this.messages.append(this.renderMessage(m));
      if (atEnd || m.author.id === this.me.id) this.scrollToEnd();
      this.typers.delete(m.author.id);
      this.renderTyping();
      if (document.visibilityState === "visible") this.markReadSoon();
    } else if (m.author.id !== this.me.id) {
      const c = this.channels.find((x) => x.id === m.channelId);
      if (c) { c.unreadCount += 1; this.renderSidebar(); } else void this.loadChannels();
    }
  }

  private replaceMessage(m: Message): void {
    const old = this.find(m.id);
    old?.replaceWith(this.renderMessage(m));
  }

  private markDeleted(id: string): void {
    const li = this.find(id);
    if (!li) return;
    li.classList.add("deleted");
    li.querySelector(".text")!.textContent = "This message was deleted.";
    li.querySelector(".reactions")!.replaceChildren();
  }

  private renderReactions(messageId: string, reactions: Reaction[]): void {
    const li = this.find(messageId);
    if (li) this.fillReactions(li, reactions);
  }

  private renderReplyCount(parentId: string, count: number): void {
    const button = this.find(parentId)?.querySelector<HTMLButtonElement>(".replies");
    if (!button) return;
    button.hidden = count === 0;
    button.textContent = `${count} ${count === 1 ? "reply" : "replies"}`;
  }

  private setUnread(channelId: string, count: number): void {
    const c = this.channels.find((x) => x.id === channelId);
    if (c && c.unreadCount !== count) { c.unreadCount = count; this.renderSidebar(); }
  }

  private onTyping(userId: string, channelId: string): void {
    if (userId === this.me.id || channelId !== this.current?.id) return;
    this.typers.set(userId, Date.now() + TYPING_SHOWN_FOR_MS);
    this.renderTyping();
    setTimeout(() => this.renderTyping(), TYPING_SHOWN_FOR_MS + 50);
  }

  private renderTyping(): void {
    const now = Date.now();
    const names = [...this.typers].filter(([, until]) => until > now).map(([id]) => this.members.get(id)?.name ?? "Someone");
    this.typing.textContent = names.length ? `${names.join(", ")} ${names.length === 1 ? "is" : "are"} typing…` : "";
  }

  private async send(): Promise<void> {
    const text = this.composer.value.trim();
    if (!text || !this.current) return;
    this.error.textContent = "";
    try {
      const m = await api<Message>("POST", `/channels/${this.current.id}/messages`, { text });
      this.composer.value = "";
      this.onMessageCreated(m);
    } catch (err) {
      this.error.textContent = err instanceof ApiError ? err.message : "Not sent: could not reach the server.";
    }
  }

  private async sendTyping(): Promise<void> {
    if (!this.current || Date.now() - this.lastTypingSent < TYPING_SEND_EVERY_MS || !this.composer.value) return;
    this.lastTypingSent = Date.now();
    await api("POST", `/channels/${this.current.id}/typing`).catch(() => undefined);
  }

  /** Coalesces the read receipts of a busy channel: one request per READ_EVERY_MS, for the newest message. */
  private markReadSoon(): void {
    if (this.readTimer) return;
    this.readTimer = window.setTimeout(() => { this.readTimer = undefined; void this.markRead(); }, READ_EVERY_MS);
  }

  private async markRead(): Promise<void> {
    if (!this.current?.isMember) return;
    await api("POST", `/channels/${this.current.id}/read`).catch(() => undefined);
    this.setUnread(this.current.id, 0);
  }

  private edit(id: string): void {
    const li = this.find(id);
    const textEl = li?.querySelector(".text");
    if (!li || !textEl) return;
    const input = h("textarea", { rows: "2", "data-testid": "edit-input" });
    api<{ root: Message }>("GET", `/messages/${id}/thread`).then((t) => {
      const m = t.root.id === id ? t.root : undefined;
      input.value = m?.text ?? textEl.textContent ?? "";
    }).catch(() => { input.value = textEl.textContent ?? ""; });
    const save = h("button", { "data-testid": "edit-save" }, "Save");
    const form = h("form", { class: "edit" }, input, save);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      try { this.replaceMessage(await api<Message>("PATCH", `/messages/${id}`, { text: input.value })); }
      catch (err) { this.error.textContent = err instanceof ApiError ? err.message : "Edit failed."; }
    });
    textEl.replaceWith(form);
    input.focus();
  }

  private async remove(id: string): Promise<void> {
    if (!confirm("Delete this message?")) return;
    await api("DELETE", `/messages/${id}`);
    this.markDeleted(id);
  }

  private async openThread(rootId: string): Promise<void> {
    const t = await api<{ root: Message; replies: Message[] }>("GET", `/messages/${rootId}/thread`);
    this.threadRoot = t.root.id;
    clear(this.thread);
    const input = h("textarea", { rows: "2", placeholder: "Reply…", "data-testid": "thread-composer" });
    const form = h("form", { class: "composer" }, input, h("button", { "data-testid": "thread-send" }, "Reply"));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      if (!input.value.trim()) return;
      const reply = await api<Message>("POST", `/channels/${t.root.channelId}/messages`, { text: input.value, parentId: t.root.id });
      input.value = "";
      if (!this.thread.querySelector(`[data-id="${reply.id}"]`)) this.onMessageCreated(reply);
    });
    this.thread.append(h("header", {}, h("h2", {}, "Thread"), h("button", { class: "icon", onclick: () => this.closeThread() }, "✕")),
      h("ol", { class: "messages" }, this.renderMessage({ ...t.root, replyCount: 0 }), ...t.replies.map((r) => this.renderMessage(r))), form);
    this.thread.hidden = false;
  }

  private closeThread(): void {
    this.threadRoot = undefined;
    this.thread.hidden = true;
  }

  private async createChannel(): Promise<void> {
    const name = prompt("Channel name (letters, digits, - and _)");
    if (!name) return;
    const isPrivate = confirm("Make it private? (OK = private, Cancel = public)");
    try {
      const c = await api<Channel>("POST", `/workspaces/${this.workspace.id}/channels`, { name, isPrivate });
      await this.loadChannels();
      await this.select(c.id);
    } catch (err) {
      this.error.textContent = err instanceof ApiError ? err.message : "Could not create the channel.";
    }
  }

  private async invite(): Promise<void> {
    try {
      const invite = await api<{ url: string; role: string; expiresAt: string }>("POST", `/workspaces/${this.workspace.id}/invites`, { role: "member" });
      const link = `${location.origin}${invite.url}`;
      await navigator.clipboard?.writeText(link).catch(() => undefined);
      prompt(`Invite link (member, valid until ${new Date(invite.expiresAt).toLocaleString()}):`, link);
    } catch (err) {
      this.error.textContent = err instanceof ApiError ? err.message : "Could not create an invite.";
    }
  }

  private async openDm(userId: string): Promise<void> {
    try {
      const dm = await api<Channel>("POST", `/workspaces/${this.workspace.id}/dms`, { userId });
      await this.loadChannels();
      await this.select(dm.id);
    } catch (err) {
      this.error.textContent = err instanceof ApiError ? err.message : "Could not open the conversation.";
    }
  }

  private scrollToEnd(): void {
    this.messages.scrollTop = this.messages.scrollHeight;
  }
}

function ago(iso: string): string {
  const seconds = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
  if (seconds < 60) return "just now";
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}

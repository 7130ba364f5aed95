import { describe, expect, it } from "vitest";
import type { Message } from "../api/client";
import { added, continues, deleted, edited, replied } from "./messages";

function message(seq: number, over: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`, workspaceId: "w", channelId: "c", seq, parentId: null, author: { id: "ann", name: "Ann", kind: "human" },
    text: `text ${seq}`, mentions: [], reactions: [], replyCount: 0, lastReplyAt: null,
    createdAt: new Date(2026, 10, 29, 10, seq).toISOString(), editedAt: null, deletedAt: null, attachments: [], ...over,
  };
}

describe("the channel's list", () => {
  it("adds a message once and keeps seq order when a replay arrives late", () => {
    const list = added(added([message(1)], message(3)), message(2));
    expect(list.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(added(list, message(2))).toBe(list);
  });

  it("keeps the reply count through an edit whose view does not carry it", () => {
    const withReplies = replied([message(1)], "m1", 3);
    const after = edited(withReplies, message(1, { text: "changed", editedAt: new Date().toISOString(), replyCount: 0 }));
    expect(after[0].text).toBe("changed");
    expect(after[0].replyCount).toBe(3);
  });

  it("empties a deleted message's text and reactions", () => {
    const [m] = deleted([message(1, { reactions: [{ emoji: "👍", count: 1, userIds: ["ann"] }] })], "m1");
    expect(m.deletedAt).not.toBeNull();
    expect(m.text).toBe("");
    expect(m.reactions).toEqual([]);
  });

  it("groups an author's messages within five minutes", () => {
    expect(continues(message(1), message(3))).toBe(true);
    expect(continues(message(1), message(9))).toBe(false);
    expect(continues(message(1), message(2, { author: { id: "bob", name: "Bob", kind: "human" } }))).toBe(false);
  });
});

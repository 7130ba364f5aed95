// Message text: mentions are stored as <@userId> and shown as @Name; typed "@Name" becomes a mention.

export const MAX_MESSAGE_LENGTH = 4000;
/** The counter appears once this few characters are left. */
export const COUNTER_FROM = 500;

export interface Named { userId: string; name: string }

export type Segment = { kind: "text"; text: string } | { kind: "mention"; userId: string; name: string };

const mention = /<@([0-9a-fA-F-]{36})>/g;

/** Splits stored text into plain runs and mentions (names looked up; unknown ids show as "someone"). */
export function segments(text: string, names: ReadonlyMap<string, string>): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of text.matchAll(mention)) {
    if (m.index! > last) out.push({ kind: "text", text: text.slice(last, m.index) });
    out.push({ kind: "mention", userId: m[1].toLowerCase(), name: names.get(m[1].toLowerCase()) ?? "someone" });
    last = m.index! + m[0].length;
  }
  if (last < text.length) out.push({ kind: "text", text: text.slice(last) });
  return out;
}

/** Plain text for editing: <@id> back to @Name. */
export function toEditable(text: string, names: ReadonlyMap<string, string>): string {
  return segments(text, names).map((s) => (s.kind === "text" ? s.text : `@${s.name}`)).join("");
}

/**
 * "@Name" for a member of the workspace becomes <@id>, longest names first (so "@Ann Lee" wins over
 * "@Ann"), and only where the name ends at a word boundary ("@Annabel" is not "@Ann").
 */
export function encodeMentions(text: string, members: readonly Named[]): string {
  const sorted = [...members].filter((m) => m.name.trim()).sort((a, b) => b.name.length - a.name.length);
  let out = "";
  let i = 0;
  outer: while (i < text.length) {
    if (text[i] === "@" && (i === 0 || !/[\p{L}\p{N}_]/u.test(text[i - 1]))) {
      for (const m of sorted) {
        const candidate = text.slice(i + 1, i + 1 + m.name.length);
        const after = text[i + 1 + m.name.length];
        if (candidate.toLocaleLowerCase() === m.name.toLocaleLowerCase() && (after === undefined || !/[\p{L}\p{N}_]/u.test(after))) {
          out += `<@${m.userId}>`;
          i += 1 + m.name.length;
          continue outer;
        }
      }
    }
    out += text[i];
    i += 1;
  }
  return out;
}

/** The "@partial" being typed at the caret, for the autocomplete; undefined when not in a mention. */
export function mentionAt(text: string, caret: number): { start: number; query: string } | undefined {
  const before = text.slice(0, caret);
  const m = /(^|[^\p{L}\p{N}_])@([\p{L}\p{N}_.\- ]{0,30})$/u.exec(before);
  if (!m) return undefined;
  const query = m[2];
  if (query.startsWith(" ") || query.includes("  ")) return undefined;
  return { start: before.length - query.length - 1, query };
}

/** Members whose name starts with (then contains) the query, at most `limit`. */
export function suggest<T extends Named>(members: readonly T[], query: string, limit = 8): T[] {
  const q = query.toLocaleLowerCase();
  const starts = members.filter((m) => m.name.toLocaleLowerCase().startsWith(q));
  const contains = members.filter((m) => !starts.includes(m) && m.name.toLocaleLowerCase().includes(q));
  return [...starts, ...contains].slice(0, limit);
}

export function replyLabel(count: number): string {
  return `${count} ${count === 1 ? "reply" : "replies"}`;
}

/** Characters left before the limit, counted as the server counts (UTF-16 code units after trimming). */
export function charactersLeft(text: string): number {
  return MAX_MESSAGE_LENGTH - text.trim().length;
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0], parts[parts.length - 1]] : parts;
  return letters.map((p) => [...p][0]?.toLocaleUpperCase() ?? "").join("") || "?";
}

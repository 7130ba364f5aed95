// Chat markdown, parsed into a tree that React renders as elements: no HTML string is ever made,
// so nothing a message says can become markup. Links are kept only for http, https and mailto.
//   blocks: ```code```, > quotes, - / * lists, 1. lists, paragraphs (line breaks kept)
//   inline: `code`, **bold**, *italic* / _italic_, ~~strike~~, [text](url), bare URLs, <@userId>

export type Inline =
  | { t: "text"; v: string }
  | { t: "code"; v: string }
  | { t: "strong" | "em" | "del"; c: Inline[] }
  | { t: "link"; href: string; c: Inline[] }
  | { t: "mention"; id: string };

export type Block =
  | { t: "p"; c: Inline[] }
  | { t: "pre"; v: string }
  | { t: "quote"; c: Block[] }
  | { t: "ul"; items: Inline[][] }
  | { t: "ol"; start: number; items: Inline[][] };

const SAFE_URL = /^(https?:\/\/|mailto:)/i;

export function safeHref(url: string): string | undefined {
  return SAFE_URL.test(url.trim()) ? url.trim() : undefined;
}

export function parseBlocks(text: string): Block[] {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  let para: string[] = [];
  const flush = () => { if (para.length) { blocks.push({ t: "p", c: parseInline(para.join("\n")) }); para = []; } };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^```/.test(line.trim())) {
      flush();
      const code: string[] = [];
      const rest = line.trim().slice(3);
      // ```one line``` on a single line
      if (rest.endsWith("```") && rest.length >= 3) { blocks.push({ t: "pre", v: rest.slice(0, -3) }); continue; }
      i++;
      while (i < lines.length && !/^```\s*$/.test(lines[i].trim())) code.push(lines[i++]);
      blocks.push({ t: "pre", v: code.join("\n") });
      continue;
    }
    if (/^>\s?/.test(line)) {
      flush();
      const quoted: string[] = [];
      while (i < lines.length && /^>\s?/.test(lines[i])) quoted.push(lines[i++].replace(/^>\s?/, ""));
      i--;
      blocks.push({ t: "quote", c: parseBlocks(quoted.join("\n")) });
      continue;
    }
    if (/^\s*[-*]\s+\S/.test(line)) {
      flush();
      const items: Inline[][] = [];
      while (i < lines.length && /^\s*[-*]\s+\S/.test(lines[i])) items.push(parseInline(lines[i++].replace(/^\s*[-*]\s+/, "")));
      i--;
      blocks.push({ t: "ul", items });
      continue;
    }
    const ordered = /^\s*(\d{1,9})[.)]\s+\S/.exec(line);
    if (ordered) {
      flush();
      const items: Inline[][] = [];
      while (i < lines.length && /^\s*\d{1,9}[.)]\s+\S/.test(lines[i])) items.push(parseInline(lines[i++].replace(/^\s*\d{1,9}[.)]\s+/, "")));
      i--;
      blocks.push({ t: "ol", start: Number(ordered[1]), items });
      continue;
    }
    if (line.trim() === "") { flush(); continue; }
    para.push(line);
  }
  flush();
  return blocks;
}

// Leftmost match wins; at the same place, the earlier alternative.
const INLINE = new RegExp([
  "`(?<code>[^`\\n]+)`",
  "<@(?<mention>[0-9a-fA-F-]{36})>",
  "\\[(?<label>[^\\]\\n]+)\\]\\((?<url>[^)\\s]+)\\)",
  "(?<bare>(?:https?:\\/\\/|mailto:)[^\\s<>]+)",
  "\\*\\*(?<strong>[^*\\n](?:[^\\n]*?[^*\\s])?)\\*\\*",
  "~~(?<del>[^~\\n]+)~~",
  "(?<![\\p{L}\\p{N}*])\\*(?<em1>[^*\\s](?:[^*\\n]*?[^*\\s])?)\\*(?![\\p{L}\\p{N}*])",
  "(?<![\\p{L}\\p{N}_])_(?<em2>[^_\\s](?:[^_\\n]*?[^_\\s])?)_(?![\\p{L}\\p{N}_])",
].join("|"), "gu");

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let last = 0;
  const push = (v: string) => {
    if (!v) return;
    const prev = out[out.length - 1];
    if (prev?.t === "text") prev.v += v; else out.push({ t: "text", v });
  };
  // A regex of its own per call: the parse recurses, and each level keeps its own position.
  const scanner = new RegExp(INLINE.source, INLINE.flags);
  for (let m = scanner.exec(text); m; m = scanner.exec(text)) {
    const g = m.groups!;
    let end = m.index! + m[0].length;
    push(text.slice(last, m.index));
    if (g.code !== undefined) out.push({ t: "code", v: g.code });
    else if (g.mention !== undefined) out.push({ t: "mention", id: g.mention.toLowerCase() });
    else if (g.label !== undefined) {
      const href = safeHref(g.url);
      if (href) out.push({ t: "link", href, c: parseInline(g.label) });
      else push(m[0]);
    } else if (g.bare !== undefined) {
      // Sentence punctuation after a URL is not part of it: "see https://x.org." links https://x.org
      const url = g.bare.replace(/[.,;:!?'")\]]+$/, "");
      end = m.index! + url.length;
      out.push({ t: "link", href: url, c: [{ t: "text", v: url }] });
    } else if (g.strong !== undefined) out.push({ t: "strong", c: parseInline(g.strong) });
    else if (g.del !== undefined) out.push({ t: "del", c: parseInline(g.del) });
    else out.push({ t: "em", c: parseInline(g.em1 ?? g.em2) });
    last = end;
    scanner.lastIndex = end;
  }
  push(text.slice(last));
  return out;
}

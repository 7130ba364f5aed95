import { Fragment, memo, useMemo } from "react";
import { parseBlocks, type Block, type Inline } from "../lib/markdown";
import { useWorkspace } from "./context";

/** A message's text as elements (see lib/markdown.ts): never HTML from the text itself. */
export const Markdown = memo(function Markdown({ text }: { text: string }) {
  const blocks = useMemo(() => parseBlocks(text), [text]);
  return <>{blocks.map((b, i) => <BlockView key={i} block={b} />)}</>;
});

function BlockView({ block }: { block: Block }) {
  switch (block.t) {
    case "p": return <p><Inlines nodes={block.c} /></p>;
    case "pre": return <pre><code>{block.v}</code></pre>;
    case "quote": return <blockquote>{block.c.map((b, i) => <BlockView key={i} block={b} />)}</blockquote>;
    case "ul": return <ul>{block.items.map((item, i) => <li key={i}><Inlines nodes={item} /></li>)}</ul>;
    case "ol": return <ol start={block.start}>{block.items.map((item, i) => <li key={i}><Inlines nodes={item} /></li>)}</ol>;
  }
}

function Inlines({ nodes }: { nodes: Inline[] }) {
  const { names, me } = useWorkspace();
  return <>{nodes.map((n, i) => {
    switch (n.t) {
      case "text": return <Fragment key={i}>{n.v}</Fragment>;
      case "code": return <code key={i}>{n.v}</code>;
      case "strong": return <strong key={i}><Inlines nodes={n.c} /></strong>;
      case "em": return <em key={i}><Inlines nodes={n.c} /></em>;
      case "del": return <del key={i}><Inlines nodes={n.c} /></del>;
      case "link": return <a key={i} href={n.href} target="_blank" rel="noopener noreferrer nofollow"><Inlines nodes={n.c} /></a>;
      case "mention": return <span key={i} className={`mention${n.id === me.id ? " mention-me" : ""}`}>@{names.get(n.id) ?? "someone"}</span>;
    }
  })}</>;
}

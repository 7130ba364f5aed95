import { describe, expect, it } from "vitest";
import { parseBlocks, parseInline } from "./markdown";

describe("inline markdown", () => {
  it("reads bold, italic, strike, code and links", () => {
    expect(parseInline("a **b** *c* _d_ ~~e~~ `f *g*`")).toEqual([
      { t: "text", v: "a " }, { t: "strong", c: [{ t: "text", v: "b" }] }, { t: "text", v: " " },
      { t: "em", c: [{ t: "text", v: "c" }] }, { t: "text", v: " " }, { t: "em", c: [{ t: "text", v: "d" }] }, { t: "text", v: " " },
      { t: "del", c: [{ t: "text", v: "e" }] }, { t: "text", v: " " }, { t: "code", v: "f *g*" },
    ]);
  });

  it("links bare URLs without the sentence's punctuation, and labelled links only to safe schemes", () => {
    expect(parseInline("see https://example.org/a?b=1.")).toEqual([
      { t: "text", v: "see " }, { t: "link", href: "https://example.org/a?b=1", c: [{ t: "text", v: "https://example.org/a?b=1" }] }, { t: "text", v: "." },
    ]);
    expect(parseInline("[docs](https://x.org)")).toEqual([{ t: "link", href: "https://x.org", c: [{ t: "text", v: "docs" }] }]);
    expect(parseInline("[click](javascript:alert(1))")).toEqual([{ t: "text", v: "[click](javascript:alert(1))" }]);
  });

  it("leaves snake_case, 2*3*4 and lone markers as text", () => {
    expect(parseInline("snake_case_name and 2*3*4 and * alone")).toEqual([{ t: "text", v: "snake_case_name and 2*3*4 and * alone" }]);
  });

  it("keeps mentions as their own node", () => {
    expect(parseInline("hi <@0B2B2C1E-6F1D-4A59-8D7E-1C2B3A4D5E6F>!")).toEqual([
      { t: "text", v: "hi " }, { t: "mention", id: "0b2b2c1e-6f1d-4a59-8d7e-1c2b3a4d5e6f" }, { t: "text", v: "!" },
    ]);
  });

  it("never produces markup from text", () => {
    expect(parseInline("<img src=x onerror=alert(1)>")).toEqual([{ t: "text", v: "<img src=x onerror=alert(1)>" }]);
  });
});

describe("block markdown", () => {
  it("reads code blocks, quotes and lists, and keeps line breaks in paragraphs", () => {
    expect(parseBlocks("line one\nline two\n\n```\nconst x = **1**;\n```\n> quoted *text*\n- a\n- b\n3. c\n4. d")).toEqual([
      { t: "p", c: [{ t: "text", v: "line one\nline two" }] },
      { t: "pre", v: "const x = **1**;" },
      { t: "quote", c: [{ t: "p", c: [{ t: "text", v: "quoted " }, { t: "em", c: [{ t: "text", v: "text" }] }] }] },
      { t: "ul", items: [[{ t: "text", v: "a" }], [{ t: "text", v: "b" }]] },
      { t: "ol", start: 3, items: [[{ t: "text", v: "c" }], [{ t: "text", v: "d" }]] },
    ]);
  });

  it("closes an unterminated code block at the end", () => {
    expect(parseBlocks("```\nopen")).toEqual([{ t: "pre", v: "open" }]);
  });
});

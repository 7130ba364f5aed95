import { describe, expect, it } from "vitest";
import { findEmoji, replaceShortcodes } from "./emoji";

describe("emoji", () => {
  it("replaces known shortcodes and leaves the rest", () => {
    expect(replaceShortcodes("ship it :rocket: at 8:30:00 :nope:")).toBe("ship it 🚀 at 8:30:00 :nope:");
    expect(replaceShortcodes(":+1::tada:")).toBe("👍🎉");
  });

  it("finds emoji by any of their names", () => {
    expect(findEmoji("part").map((e) => e.char)).toEqual(["🎉", "🥳"]);
    expect(findEmoji("").length).toBeGreaterThan(40);
  });
});

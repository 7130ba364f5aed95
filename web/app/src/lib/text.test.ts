import { describe, expect, it } from "vitest";
import { charactersLeft, encodeMentions, initials, mentionAt, replyLabel, segments, suggest, toEditable } from "./text";

const ann = { userId: "11111111-1111-1111-1111-111111111111", name: "Ann" };
const annLee = { userId: "22222222-2222-2222-2222-222222222222", name: "Ann Lee" };
const bot = { userId: "33333333-3333-3333-3333-333333333333", name: "Demo Agent" };
const names = new Map([ann, annLee, bot].map((m) => [m.userId, m.name]));

describe("mentions", () => {
  it("turns a typed @Name into the stored form, longest name first, only at word ends", () => {
    expect(encodeMentions("hi @Ann Lee and @ann, not @Annabel or me@Ann", [ann, annLee]))
      .toBe(`hi <@${annLee.userId}> and <@${ann.userId}>, not @Annabel or me@Ann`);
    expect(encodeMentions("@Demo Agent: go", [bot])).toBe(`<@${bot.userId}>: go`);
  });

  it("shows stored mentions by name and gives them back as @Name to edit", () => {
    const stored = `ping <@${bot.userId}> and <@99999999-9999-9999-9999-999999999999>`;
    expect(segments(stored, names)).toEqual([
      { kind: "text", text: "ping " },
      { kind: "mention", userId: bot.userId, name: "Demo Agent" },
      { kind: "text", text: " and " },
      { kind: "mention", userId: "99999999-9999-9999-9999-999999999999", name: "someone" },
    ]);
    expect(toEditable(stored, names)).toBe("ping @Demo Agent and @someone");
  });

  it("finds the @partial being typed at the caret, and nothing inside an address", () => {
    expect(mentionAt("hello @De", 9)).toEqual({ start: 6, query: "De" });
    expect(mentionAt("@", 1)).toEqual({ start: 0, query: "" });
    expect(mentionAt("mail me@exa", 11)).toBeUndefined();
    // Names have spaces, so the query may too; a line break ends it, and a query no name matches opens nothing.
    expect(mentionAt("hello @De\nmore", 14)).toBeUndefined();
    expect(suggest([bot, ann], mentionAt("hello @De and more", 18)!.query)).toEqual([]);
  });

  it("suggests names that start with the query before names that contain it", () => {
    expect(suggest([bot, annLee, ann], "an").map((m) => m.name)).toEqual(["Ann Lee", "Ann"]);
    expect(suggest([bot, annLee, ann], "agent").map((m) => m.name)).toEqual(["Demo Agent"]);
  });
});

describe("labels", () => {
  it("says 1 reply and n replies", () => {
    expect(replyLabel(1)).toBe("1 reply");
    expect(replyLabel(2)).toBe("2 replies");
  });

  it("counts what is left as the server does (after trimming)", () => {
    expect(charactersLeft("  abc  ")).toBe(3997);
    expect(charactersLeft("x".repeat(4001))).toBe(-1);
  });

  it("makes initials from the first and last name", () => {
    expect(initials("ann lee smith")).toBe("AS");
    expect(initials("Ünal")).toBe("Ü");
    expect(initials("  ")).toBe("?");
  });
});

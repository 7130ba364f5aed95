import { describe, expect, it } from "vitest";
import type { TaskItem } from "../api/client";
import { columns, fromLocalInput, toLocalInput, upsert } from "./tasks";

function task(number: number, over: Partial<TaskItem> = {}): TaskItem {
  return {
    id: `t${number}`, workspaceId: "w", key: `ENG-${number}`, number, title: `task ${number}`, description: "", status: "todo", priority: "none",
    assignee: null, dueAt: null, startAt: null, channelId: null, result: null, parentId: null, labels: [], createdBy: null, archivedAt: null,
    createdAt: "2026-11-29T10:00:00Z", updatedAt: "2026-11-29T10:00:00Z", completedAt: null, recurrence: null, ...over,
  };
}

describe("the task board", () => {
  it("replaces a changed task in place and puts a new one first", () => {
    const list = [task(2), task(1)];
    expect(upsert(list, task(1, { status: "done" })).map((t) => t.status)).toEqual(["todo", "done"]);
    expect(upsert(list, task(3)).map((t) => t.number)).toEqual([3, 2, 1]);
  });

  it("groups by status, most urgent then soonest due first, leaving archived tasks out", () => {
    const c = columns([
      task(1, { priority: "low" }), task(2, { priority: "urgent" }), task(3, { priority: "low", dueAt: "2026-12-01T00:00:00Z" }),
      task(4, { status: "done" }), task(5, { archivedAt: "2026-11-29T11:00:00Z" }),
    ]);
    expect(c.todo.map((t) => t.number)).toEqual([2, 3, 1]);
    expect(c.done.map((t) => t.number)).toEqual([4]);
    expect(c.in_progress).toEqual([]);
  });

  it("converts due times between the local input and ISO", () => {
    const iso = fromLocalInput("2026-12-01T09:30")!;
    expect(toLocalInput(iso)).toBe("2026-12-01T09:30");
    expect(fromLocalInput("")).toBeNull();
  });
});

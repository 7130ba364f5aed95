import { describe, expect, it } from "vitest";
import { fileSize, thumbnailBox } from "./uploads";

describe("files", () => {
  it("says sizes the way people read them", () => {
    expect(fileSize(512)).toBe("512 B");
    expect(fileSize(12 * 1024)).toBe("12 KB");
    expect(fileSize(3.4 * 1024 * 1024)).toBe("3.4 MB");
    expect(fileSize(42 * 1024 * 1024)).toBe("42 MB");
  });

  it("keeps an image's proportions inside the thumbnail box", () => {
    expect(thumbnailBox(640, 480)).toEqual({ width: 360, height: 270 });
    expect(thumbnailBox(100, 1000)).toEqual({ width: 27, height: 270 });
    expect(thumbnailBox(50, 40)).toEqual({ width: 50, height: 40 });
    expect(thumbnailBox(null, null)).toEqual({ width: 240, height: 180 });
  });
});

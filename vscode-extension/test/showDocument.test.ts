import * as assert from "node:assert/strict";
import { tabOptions } from "../src/logic/showDocument";

describe("window/showDocument", () => {
  it("opens a normal (not preview) tab, focused only when the server asks for focus", () => {
    assert.deepEqual(tabOptions(true), { preview: false, preserveFocus: false });
    assert.deepEqual(tabOptions(false), { preview: false, preserveFocus: true });
    assert.deepEqual(tabOptions(undefined), { preview: false, preserveFocus: true });
  });
});

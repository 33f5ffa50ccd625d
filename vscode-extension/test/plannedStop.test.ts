import * as assert from "node:assert/strict";
import { plannedExitLine } from "../src/logic/plannedStop";

describe("a server stopped on purpose", () => {
  it("logs its clean exit as information", () => {
    assert.equal(plannedExitLine("Server process exited with code 0.", true), "The server process exited (stopped by the extension).");
  });

  it("keeps an unexpected or failed exit an error", () => {
    assert.equal(plannedExitLine("Server process exited with code 0.", false), undefined);
    assert.equal(plannedExitLine("Server process exited with code 1.", true), undefined);
    assert.equal(plannedExitLine("Server process exited with signal SIGKILL.", true), undefined);
  });
});

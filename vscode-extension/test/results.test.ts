import * as assert from "node:assert/strict";
import { alreadyShown, asResult, errorDetails, filesIn, historyEntries, revisionOfSource } from "../src/logic/results";

describe("asResult", () => {
  it("reads ok and message", () => {
    const result = asResult({ ok: true, message: "Upgraded to 6f708192a3b4.", steps: [] });
    assert.equal(result.ok, true);
    assert.equal(result.message, "Upgraded to 6f708192a3b4.");
  });
  it("treats anything else as a failure with a message", () => {
    assert.deepEqual(asResult(null), { ok: false, message: "The server returned no result.", fields: {} });
    assert.equal(asResult({ message: "x" }).ok, false);
  });
});

describe("filesIn", () => {
  it("finds the created revisions first, then plain path fields, without repeats", () => {
    const result = asResult({
      ok: true,
      message: "",
      created: [{ revision: "a1", path: "/p/versions/a1_x.py" }, "/p/versions/b2_y.py"],
      path: "/p/versions/a1_x.py",
      files: ["/p/versions/c3.py"],
    });
    assert.deepEqual(filesIn(result), ["/p/versions/a1_x.py", "/p/versions/b2_y.py", "/p/versions/c3.py"]);
  });
  it("is empty when nothing was created", () => {
    assert.deepEqual(filesIn(asResult({ ok: true, message: "No changes.", created: [] })), []);
  });
});

describe("historyEntries", () => {
  it("reads the agent's revision records", () => {
    const entries = historyEntries(
      asResult({
        ok: true,
        message: "",
        revisions: [
          { revision: "6f70", message: "add subtitle", path: "/v/6f70.py", downRevisions: ["5e6f"], isHead: true },
          { revision: "m1", message: "merge", path: "/v/m1.py", downRevisions: ["a", "b"], isMerge: true },
          { message: "no id" },
        ],
      }),
    );
    assert.deepEqual(entries, [
      { revision: "6f70", message: "add subtitle", file: "/v/6f70.py", detail: "head · revises 5e6f" },
      { revision: "m1", message: "merge", file: "/v/m1.py", detail: "merge · revises a, b" },
    ]);
  });
});

describe("errorDetails", () => {
  it("reads kind, file and line from a nested error or the result itself", () => {
    assert.deepEqual(
      errorDetails(asResult({ ok: false, message: "m", error: { kind: "user-code", file: "/p/env.py", line: 12 } })),
      { kind: "user-code", file: "/p/env.py", line: 12 },
    );
    assert.deepEqual(errorDetails(asResult({ ok: false, message: "m", kind: "multiple-heads" })), {
      kind: "multiple-heads",
      file: undefined,
      line: undefined,
    });
  });
  it("reads the server's flat form: error is the kind, file and line beside it", () => {
    assert.deepEqual(
      errorDetails(asResult({ ok: false, message: "m", error: "user-code", file: "/p/env.py", line: 3 })),
      { kind: "user-code", file: "/p/env.py", line: 3 },
    );
  });
});

describe("revisionOfSource", () => {
  it("reads plain and annotated assignments", () => {
    assert.equal(revisionOfSource('"""doc"""\nrevision = "6f708192a3b4"\n'), "6f708192a3b4");
    assert.equal(revisionOfSource("revision: str = '1a2b'\ndown_revision = None\n"), "1a2b");
    assert.equal(revisionOfSource("down_revision = '1a2b'\n"), undefined);
  });
});

describe("alreadyShown", () => {
  it("is true only when the server says it opened the documents", () => {
    assert.equal(alreadyShown(asResult({ ok: true, message: "", shown: true })), true);
    assert.equal(alreadyShown(asResult({ ok: true, message: "", shown: false })), false);
    assert.equal(alreadyShown(asResult({ ok: true, message: "" })), false);
  });
});

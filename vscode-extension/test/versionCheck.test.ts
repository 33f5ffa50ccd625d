import * as assert from "node:assert/strict";
import { compatibleVersions, parseVersion, versionMismatchWarning } from "../src/logic/versionCheck";

describe("server and extension versions", () => {
  it("reads versions with suffixes and without a patch number", () => {
    assert.deepEqual(parseVersion("0.1.0"), [0, 1, 0]);
    assert.deepEqual(parseVersion("1.2"), [1, 2, 0]);
    assert.deepEqual(parseVersion("v2.3.4rc1+local"), [2, 3, 4]);
    assert.equal(parseVersion("dev"), undefined);
  });

  it("calls versions compatible when major and minor agree", () => {
    assert.equal(compatibleVersions("0.1.0", "0.1.7"), true);
    assert.equal(compatibleVersions("0.1.0", "0.2.0"), false);
    assert.equal(compatibleVersions("1.0.0", "2.0.0"), false);
    assert.equal(compatibleVersions("garbage", "0.1.0"), false);
  });

  it("warns only when the versions differ, saying whether that matters", () => {
    assert.equal(versionMismatchWarning("0.1.0", "0.1.0", "bundled server on Python 3.12"), undefined);
    assert.match(versionMismatchWarning("0.1.2", "0.1.0", "x") ?? "", /0\.1\.2 \(x\), the extension 0\.1\.0\. Both speak/);
    assert.match(versionMismatchWarning("0.3.0", "0.1.0", "x") ?? "", /useBundled/);
    assert.match(versionMismatchWarning(undefined, "0.1.0", "x") ?? "", /did not say its version/);
  });
});

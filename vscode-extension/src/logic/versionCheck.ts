// The server's version (initialize's serverInfo) against the extension's: which pairs work together, and the
// one quiet warning when they differ.

/** [major, minor, patch] of "1.2.3" (a suffix such as "rc1" or "+local" is ignored); undefined if unreadable. */
export function parseVersion(version: string): [number, number, number] | undefined {
  const match = /^\s*v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(version);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)] : undefined;
}

/** Same major and minor version: the settings and commands the extension sends are the ones the server knows. */
export function compatibleVersions(a: string, b: string): boolean {
  const left = parseVersion(a);
  const right = parseVersion(b);
  return left !== undefined && right !== undefined && left[0] === right[0] && left[1] === right[1];
}

/** The warning to show once when the running server's version differs from the extension's, else undefined. */
export function versionMismatchWarning(
  serverVersion: string | undefined,
  extensionVersion: string,
  serverDescription: string,
): string | undefined {
  if (serverVersion === undefined) {
    return `Alembic LS: the server (${serverDescription}) did not say its version; this extension is ${extensionVersion}.`;
  }
  if (serverVersion === extensionVersion) {
    return undefined;
  }
  const how = compatibleVersions(serverVersion, extensionVersion)
    ? "Both speak the same protocol."
    : "Some settings or commands may not work: install a matching alembic-ls or use the bundled server " +
      '("alembicLs.importStrategy": "useBundled").';
  return `Alembic LS: the server is alembic-ls ${serverVersion} (${serverDescription}), the extension ${extensionVersion}. ${how}`;
}

// Which "Alembic: …" commands are offered where: in the Command Palette (package.json `when` clauses) and in the
// status bar's quick pick (the same rule, applied here). A command that needs the agent runs the project's code,
// so Restricted Mode hides it rather than offering it and failing; a folder with no Alembic project hides every
// project command.

/** What a command needs to be worth offering. */
export type Needs = "agent" | "project" | "nothing";

/** The context key the extension sets from the server's project list (the `alembic-ls/status` notification). */
export const HAS_PROJECT = "alembicLs.hasProject";

export const COMMAND_NEEDS: Record<string, Needs> = {
  "alembicLs.generateMigration": "agent",
  "alembicLs.upgradeHead": "agent",
  "alembicLs.downgradeOne": "agent",
  "alembicLs.testCycle": "agent",
  "alembicLs.mergeHeads": "agent",
  "alembicLs.showSql": "agent",
  "alembicLs.showHistory": "agent",
  "alembicLs.showCurrent": "agent",
  "alembicLs.showRevisionGraph": "project",
  "alembicLs.restartServer": "nothing",
  "alembicLs.showOutput": "nothing",
  "alembicLs.showDebugInfo": "nothing",
  "alembicLs.showCommands": "nothing",
};

/** The package.json `when` clause of a command's Command Palette entry (undefined: always shown). */
export function whenClause(needs: Needs): string | undefined {
  if (needs === "agent") return `isWorkspaceTrusted && ${HAS_PROJECT}`;
  if (needs === "project") return HAS_PROJECT;
  return undefined;
}

/** Whether the status bar's quick pick offers `command` (the same rule as its `when` clause). */
export function offered(command: string, trusted: boolean, hasProject: boolean): boolean {
  const needs = COMMAND_NEEDS[command] ?? "agent";
  if (needs === "nothing") return true;
  return hasProject && (needs === "project" || trusted);
}

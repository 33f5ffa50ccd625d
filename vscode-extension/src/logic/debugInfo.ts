// "Alembic: Show Debug Information": what a bug report needs, as one Markdown document.

import { ProjectStatus } from "./status";

export interface DebugInputs {
  extensionVersion: string;
  editor: string;
  platform: string;
  arch: string;
  server:
    | { description: string; commandLine: string; source: string; version: string | undefined; state: string }
    | undefined;
  folders: { name: string; path: string; interpreter: string; interpreterSource: string; dialect: string }[];
  projects: ProjectStatus[];
  trusted: boolean;
}

function line(label: string, value: string): string {
  return `- ${label}: ${value}`;
}

function code(value: string): string {
  return "`" + value.replace(/`/g, "'") + "`";
}

export function formatDebugInfo(inputs: DebugInputs): string {
  const out = ["# Alembic LS debug information", ""];
  out.push(line("Extension", inputs.extensionVersion));
  out.push(line("Editor", inputs.editor));
  out.push(line("Platform", `${inputs.platform}-${inputs.arch}`));
  out.push(line("Workspace trusted", inputs.trusted ? "yes" : "no (static checks only)"));
  out.push("", "## Server", "");
  if (inputs.server) {
    out.push(line("Version", inputs.server.version ?? "(not reported)"));
    out.push(line("Source", `${inputs.server.source}: ${inputs.server.description}`));
    out.push(line("Command", code(inputs.server.commandLine)));
    out.push(line("State", inputs.server.state));
  } else {
    out.push("Not started (no Alembic project found yet, or no Python to run it: see Alembic: Show Output).");
  }
  out.push("", "## Workspace folders", "");
  if (inputs.folders.length === 0) {
    out.push("(none)");
  }
  for (const folder of inputs.folders) {
    out.push(`### ${folder.name}`, "");
    out.push(line("Path", code(folder.path)));
    out.push(line("Project interpreter", `${folder.interpreter ? code(folder.interpreter) : "(none)"} [${folder.interpreterSource}]`));
    out.push(line("Dialect", folder.dialect || "from sqlalchemy.url"), "");
  }
  out.push("## Projects the server found", "");
  if (inputs.projects.length === 0) {
    out.push("(none reported yet)");
  }
  for (const project of inputs.projects) {
    const current = project.current === null ? "unknown" : project.current.join(", ") || "(empty database)";
    const problem = project.databaseError ? `; database: ${project.databaseError}` : "";
    out.push(
      `- ${code(project.scriptLocation)}: heads ${project.heads.join(", ") || "(none)"}; database at ${current}; ` +
        `${project.pending} pending; ${project.drift} drift${problem}`,
    );
  }
  return out.join("\n") + "\n";
}

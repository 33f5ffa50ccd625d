// vscode-languageclient logs every exit of the server process at error level ("[Error - …] Server process exited
// with code 0."), even when the extension stopped it on purpose (Restart Server, a setting that needs a new
// process, trusting the folder). Such an exit is an ordinary step of the restart and is logged as information.

const CLEAN_EXIT = /^Server process exited with code 0\.$/;

/** The line to log at information level instead of `message`, or undefined when it stays an error. */
export function plannedExitLine(message: string, stopping: boolean): string | undefined {
  return stopping && CLEAN_EXIT.test(message) ? "The server process exited (stopped by the extension)." : undefined;
}

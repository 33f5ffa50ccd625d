// How a file the server asks to show (window/showDocument: a generated revision, its SQL, a merge revision, a
// revision clicked in the graph) opens: as a normal tab. VS Code's default for showTextDocument is a preview tab,
// which the next file opened replaces, so a revision just generated would vanish when the user looks elsewhere.

export interface TabOptions {
  preview: boolean;
  preserveFocus: boolean;
}

/** `takeFocus` as LSP defines it: only an explicit true moves the focus to the document. */
export function tabOptions(takeFocus: boolean | undefined): TabOptions {
  return { preview: false, preserveFocus: takeFocus !== true };
}

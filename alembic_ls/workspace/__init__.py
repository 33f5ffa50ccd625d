"""The workspace as the language server holds it, with no LSP in it: projects, their indexes and
checkers, the editor's documents and the client's settings. Above rules and fixes, below server/."""

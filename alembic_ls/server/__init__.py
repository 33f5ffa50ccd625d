"""The language server: pygls handlers, one module per LSP capability, over the static core."""

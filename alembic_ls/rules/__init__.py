"""One module per rule; `registry.RULES` lists them all."""

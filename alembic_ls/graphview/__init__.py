"""The revision graph as a picture: a model (nodes, edges, marks), a lane layout, and renderers."""

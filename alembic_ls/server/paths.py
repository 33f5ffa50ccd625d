"""File paths and document URIs.

The index keys files by resolved path; clients name documents by URI, sometimes through a symlink
or with a differently escaped drive letter. Paths are compared resolved; URIs sent back to the
client are the ones it used for open documents.
"""

from __future__ import annotations

import os

from pygls import uris


def uri_to_path(uri: str) -> str | None:
    """The resolved file-system path of a `file:` URI; None for other schemes."""
    if uris.uri_scheme(uri) != "file":
        return None
    path = uris.to_fs_path(uri)
    return os.path.realpath(path) if path else None


def path_to_uri(path: str) -> str:
    uri = uris.from_fs_path(path)
    return uri if uri is not None else "file://" + path

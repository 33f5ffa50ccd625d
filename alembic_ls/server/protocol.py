"""The JSON-RPC layer under the handlers: every request gets an answer, even one pygls cannot read.

pygls turns each incoming message into its lsprotocol type while decoding the JSON
(`structure_message` is the `object_hook` of `json.loads`). When the params do not fit that type
it raises there, before any handler or response bookkeeping exists, and its reader loop only logs
the error: the client waits for an answer that never comes (issue 13: a code action request with
an incomplete diagnostic). Here such a request is answered with JSON-RPC's error for it, -32602
Invalid params naming what does not fit; such a notification is logged and dropped, as pygls drops
an unknown one; such a response to one of our requests fails that request instead of leaving it
waiting. None of them reaches a handler.

pygls also ignores every request after `shutdown` without answering; LSP wants them answered with
-32600 Invalid request.
"""

from __future__ import annotations

import logging
from typing import Any

import cattrs
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInternalError,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
)
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import RPCMessage, RPCRequest

logger = logging.getLogger("alembic_ls.server")

EXIT = "exit"


class _Rejected:
    """What a message decodes to once it has been answered (or dropped) while decoding it."""


REJECTED = _Rejected()


class AlembicProtocol(LanguageServerProtocol):
    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            self._reject(data, error)
            return REJECTED

    def handle_message(self, message: RPCMessage) -> None:
        if isinstance(message, _Rejected):
            return
        if self._shutdown and isinstance(message, RPCRequest) and message.method != EXIT:
            refused = JsonRpcInvalidRequest(message=f"the server is shutting down: {message.method} not run")
            self._send_response(message.id, None, refused.to_response_error())
            return
        super().handle_message(message)

    def _reject(self, data: dict[str, Any], error: JsonRpcException) -> None:
        method, msg_id = data.get("method"), data.get("id")
        if "id" in data and not _is_message_id(msg_id):
            # JSON-RPC: when the id itself cannot be read, the answer's id is null.
            message = f"Invalid Request: the id {msg_id!r} is not a string or integer"
            # Written as is: pygls's converter would drop the id member, which must be there.
            error_member = {"code": JsonRpcInvalidRequest.CODE, "message": message}
            self._send_data({"jsonrpc": "2.0", "id": None, "error": error_member})
            return
        detail = _what_does_not_fit(error)
        if isinstance(method, str) and "id" in data:
            assert msg_id is not None
            logger.warning("answered %s request %s with Invalid params: %s", method, msg_id, detail)
            invalid_params = JsonRpcInvalidParams(message=f"Invalid params for {method}: {detail}")
            self._send_response(msg_id, None, invalid_params.to_response_error())
        elif isinstance(method, str):
            logger.warning("ignored %s notification with invalid params: %s", method, detail)
        elif msg_id is not None:
            # A client's response to one of our requests: fail that request rather than leave it waiting.
            future = self._request_futures.pop(msg_id, None)
            logger.warning("unreadable response to request %s: %s", msg_id, detail)
            if future is not None and not future.done():
                future.set_exception(
                    JsonRpcInternalError(message=f"the client's answer could not be read: {detail}")
                )
        else:
            logger.warning("ignored an unreadable message: %s", detail)


def _is_message_id(value: object) -> bool:
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def _what_does_not_fit(error: JsonRpcException) -> str:
    """cattrs's account of the first problems (`required field missing @ $.params.context`)."""
    cause = error.__cause__
    if isinstance(cause, cattrs.BaseValidationError):
        problems = cattrs.transform_error(cause, path="$")
        return "; ".join(problems[:5]) + ("; ..." if len(problems) > 5 else "")
    return str(cause or error)

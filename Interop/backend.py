#!/usr/bin/env python3
"""A small OCPP 1.6 central system (backend) for the interoperability suite.

Built on ocpp.v16.ChargePoint (mobilityhouse/ocpp) and websockets. Charge points (or the gateway
acting as one) connect to ws://HOST:PORT/ANY/PREFIX/{chargePointId} with subprotocol ocpp1.6 and
HTTP Basic auth (user = charge point id).

It answers BootNotification (Accepted, interval 300), Heartbeat, StatusNotification, Authorize
(Accepted, parentIdTag = this backend's name, so a test can tell who answered), StartTransaction
(transactionId from this backend's own counter: base+1, base+2, ...), MeterValues,
StopTransaction and DataTransfer (Accepted, data "answered-by:NAME").

Every frame it receives or sends is recorded to a JSON-lines file (see recorder.py), as are
connections (with the Basic auth user, whether the password matched and the subprotocol) and the
outcome of every call it was told to send.

Telling it to send a call to a charge point:
  * in-process (run_story.py): `await backend.command("CP-1", "SetChargingProfile", {...})`;
    commands go through an asyncio queue and the CALLRESULT/CALLERROR comes back as a dict;
  * standalone: `--commands FILE`: every JSON line appended to FILE, e.g.
    {"chargePoint": "CP-1", "action": "RemoteStopTransaction", "payload": {"transactionId": 1001}}
    is sent, and its outcome recorded as an {"event": "command", ...} line.

Standalone:  python Interop/backend.py --name billing --port 9001 --tx-base 1000 \
                 --log billing.jsonl [--password SECRET] [--commands billing.commands]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import datetime
import json
import logging
import os
import signal
import sys
from dataclasses import asdict
from typing import Any
from urllib.parse import unquote, urlsplit

from ocpp.charge_point import camel_to_snake_case, remove_nones, snake_to_camel_case
from ocpp.exceptions import OCPPError
from ocpp.routing import on
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.enums import Action
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from recorder import FrameLog, Recorder  # noqa: E402

SUBPROTOCOL = "ocpp1.6"


def utc_now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def parse_basic_auth(header: str | None) -> tuple[str | None, str | None]:
    if not header or not header.lower().startswith("basic "):
        return None, None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else (user, None)


def peer_common_name(ssl_object) -> str | None:
    """The CN of the TLS peer's (verified) certificate, if any."""
    cert = ssl_object.getpeercert() if ssl_object is not None else None
    for rdn in (cert or {}).get("subject", ()):
        for key, value in rdn:
            if key == "commonName":
                return value
    return None


def charge_point_id_from_path(path: str) -> str:
    return unquote(urlsplit(path).path.rstrip("/").rsplit("/", 1)[-1])


class CentralSystemSession(ChargePoint):
    """One charge point's connection, seen from the backend."""

    def __init__(self, cp_id: str, connection: ServerConnection, backend: "Backend"):
        super().__init__(cp_id, connection, response_timeout=backend.call_timeout)
        self.backend = backend
        self.frames = FrameLog(backend.recorder, cp_id)
        self._call_counter = 0

    # Record every frame, in and out, before the library sees it.
    async def route_message(self, raw_msg):
        self.frames.frame("recv", raw_msg)
        await super().route_message(raw_msg)

    async def _send(self, message):
        self.frames.frame("sent", message)
        await super()._send(message)

    def next_call_id(self) -> str:
        self._call_counter += 1
        return f"{self.backend.name}-{self.id}-{self._call_counter}"

    @on(Action.boot_notification)
    def on_boot_notification(self, **kwargs):
        return call_result.BootNotification(current_time=utc_now(), interval=300, status="Accepted")

    @on(Action.heartbeat)
    def on_heartbeat(self, **kwargs):
        return call_result.Heartbeat(current_time=utc_now())

    @on(Action.status_notification)
    def on_status_notification(self, **kwargs):
        return call_result.StatusNotification()

    @on(Action.authorize)
    def on_authorize(self, id_tag, **kwargs):
        return call_result.Authorize(
            id_tag_info={"status": "Accepted", "parent_id_tag": self.backend.name[:20]})

    @on(Action.start_transaction)
    def on_start_transaction(self, connector_id, id_tag, meter_start, timestamp, **kwargs):
        tx = self.backend.new_transaction(self.id, connector_id, id_tag, meter_start)
        return call_result.StartTransaction(transaction_id=tx, id_tag_info={"status": "Accepted"})

    @on(Action.meter_values)
    def on_meter_values(self, **kwargs):
        return call_result.MeterValues()

    @on(Action.stop_transaction)
    def on_stop_transaction(self, transaction_id, **kwargs):
        if kwargs.get("id_tag") is not None:
            return call_result.StopTransaction(id_tag_info={"status": "Accepted"})
        return call_result.StopTransaction()

    @on(Action.data_transfer)
    def on_data_transfer(self, vendor_id, **kwargs):
        return call_result.DataTransfer(status="Accepted", data=f"answered-by:{self.backend.name}")


class Backend:
    def __init__(self, name: str, tx_base: int, log_path: str | None, password: str | None = None,
                 call_timeout: float = 10.0, ssl_context=None, require_client_certificate: bool = False):
        self.name = name
        # wss: security profile 2 (with a password) or 3 (require_client_certificate: the client's
        # certificate, already verified against the context's CA, must have CN = charge point id).
        self.ssl_context = ssl_context
        self.require_client_certificate = require_client_certificate
        self.tx_base = tx_base
        self._next_tx = tx_base
        self.password = password
        self.call_timeout = call_timeout
        self.recorder = Recorder(log_path, name)
        self.sessions: dict[str, CentralSystemSession] = {}
        self.transactions: list[dict[str, Any]] = []  # every transaction this backend issued
        self.port: int | None = None
        self._server = None
        self._queue: asyncio.Queue = asyncio.Queue()
        self._worker: asyncio.Task | None = None
        self._connected = asyncio.Event()

    # --- transactions -------------------------------------------------------------------------
    def new_transaction(self, cp_id: str, connector_id: int, id_tag: str, meter_start: int) -> int:
        self._next_tx += 1
        tx = {"transactionId": self._next_tx, "chargePoint": cp_id, "connectorId": connector_id,
              "idTag": id_tag, "meterStart": meter_start}
        self.transactions.append(tx)
        self.recorder.write(event="transaction", **tx)
        return self._next_tx

    def transaction_for(self, meter_start: int) -> int | None:
        for tx in self.transactions:
            if tx["meterStart"] == meter_start:
                return tx["transactionId"]
        return None

    # --- websocket server ---------------------------------------------------------------------
    def _process_request(self, connection: ServerConnection, request):
        user, password = parse_basic_auth(request.headers.get("Authorization"))
        cp_id = charge_point_id_from_path(request.path)
        offered = [p.strip() for h in request.headers.get_all("Sec-WebSocket-Protocol")
                   for p in h.split(",") if p.strip()]
        password_ok = None if self.password is None else (password == self.password and user == cp_id)
        connection.interop_auth = {"user": user, "passwordOk": password_ok}
        certificate_ok = None
        if self.require_client_certificate:
            ssl_object = connection.transport.get_extra_info("ssl_object")
            certificate_cn = peer_common_name(ssl_object)
            certificate_ok = certificate_cn == cp_id
            connection.interop_auth.update(clientCertificateCN=certificate_cn, clientCertificateOk=certificate_ok)
        self.recorder.write(event="handshake", chargePoint=cp_id, path=request.path, user=user,
                            passwordGiven=password is not None, passwordOk=password_ok,
                            offeredSubprotocols=offered, tls=self.ssl_context is not None,
                            clientCertificateOk=certificate_ok)
        if certificate_ok is False:
            self.recorder.write(event="rejected", chargePoint=cp_id, reason="client certificate CN")
            return connection.respond(403, "Forbidden\n")
        if self.password is not None and not password_ok:
            response = connection.respond(401, "Unauthorized\n")
            response.headers["WWW-Authenticate"] = 'Basic realm="ocpp"'
            self.recorder.write(event="rejected", chargePoint=cp_id, reason="basic auth")
            return response
        return None

    async def _handle(self, connection: ServerConnection):
        cp_id = charge_point_id_from_path(connection.request.path)
        auth = getattr(connection, "interop_auth", {})
        self.recorder.write(event="connect", chargePoint=cp_id, path=connection.request.path,
                            subprotocol=connection.subprotocol, **auth)
        if connection.subprotocol != SUBPROTOCOL:
            self.recorder.write(event="rejected", chargePoint=cp_id, reason="subprotocol")
            await connection.close(1002, "ocpp1.6 required")
            return
        session = CentralSystemSession(cp_id, connection, self)
        self.sessions[cp_id] = session
        self._connected.set()
        try:
            await session.start()
        except ConnectionClosed as e:
            self.recorder.write(event="disconnect", chargePoint=cp_id, code=e.rcvd.code if e.rcvd else None)
        finally:
            if self.sessions.get(cp_id) is session:
                del self.sessions[cp_id]

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        self._server = await serve(self._handle, host, port, subprotocols=[SUBPROTOCOL],
                                   process_request=self._process_request, open_timeout=10,
                                   close_timeout=2, ssl=self.ssl_context)
        self.port = self._server.sockets[0].getsockname()[1]
        self._worker = asyncio.create_task(self._command_worker())
        self.recorder.write(event="listening", host=host, port=self.port, txBase=self.tx_base)
        return self.port

    async def stop(self) -> None:
        if self._worker:
            self._worker.cancel()
        if self._server:
            self._server.close()
            try:
                await asyncio.wait_for(self._server.wait_closed(), 5)
            except asyncio.TimeoutError:
                pass
        self.recorder.close()

    # --- calls to charge points ---------------------------------------------------------------
    async def command(self, charge_point: str, action: str, payload: dict[str, Any],
                      timeout: float | None = None) -> dict[str, Any]:
        """Queues a call to a charge point and waits for its recorded outcome."""
        fut = asyncio.get_running_loop().create_future()
        await self._queue.put(({"chargePoint": charge_point, "action": action, "payload": payload,
                                "timeout": timeout or self.call_timeout}, fut))
        return await fut

    async def _command_worker(self):
        while True:
            cmd, fut = await self._queue.get()
            try:
                outcome = await self._send_command(**cmd)
            except Exception as e:  # never let the worker die
                outcome = self.recorder.write(event="command", outcome="exception", error=repr(e), **cmd)
            if fut is not None and not fut.done():
                fut.set_result(outcome)

    async def _send_command(self, chargePoint: str, action: str, payload: dict[str, Any],
                            timeout: float) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while chargePoint not in self.sessions and loop.time() < deadline:
            await asyncio.sleep(0.05)
        session = self.sessions.get(chargePoint)
        base = {"event": "command", "chargePoint": chargePoint, "action": action, "request": payload}
        if session is None:
            return self.recorder.write(**base, outcome="no-connection")
        unique_id = session.next_call_id()
        request = getattr(call, action)(**camel_to_snake_case(payload))
        try:
            result = await asyncio.wait_for(
                session.call(request, suppress=False, unique_id=unique_id),
                max(0.1, deadline - loop.time()))
        except OCPPError as e:
            return self.recorder.write(**base, id=unique_id, outcome="CALLERROR",
                                       errorCode=getattr(e, "code", None), errorDescription=e.description)
        except asyncio.TimeoutError:
            return self.recorder.write(**base, id=unique_id, outcome="timeout")
        except Exception as e:  # e.g. an unknown error code or an invalid answer
            return self.recorder.write(**base, id=unique_id, outcome="exception", error=repr(e))
        response = remove_nones(snake_to_camel_case(asdict(result)))
        return self.recorder.write(**base, id=unique_id, outcome="CALLRESULT", response=response)

    async def follow_command_file(self, path: str):
        """Sends every JSON line appended to path (created if missing)."""
        open(path, "a").close()
        with open(path, encoding="utf-8") as f:
            buffer = ""
            while True:
                chunk = f.readline()
                if not chunk:
                    await asyncio.sleep(0.1)
                    continue
                buffer += chunk
                if not buffer.endswith("\n"):
                    continue
                line, buffer = buffer.strip(), ""
                if not line:
                    continue
                try:
                    cmd = json.loads(line)
                    await self._queue.put(({"chargePoint": cmd["chargePoint"], "action": cmd["action"],
                                            "payload": cmd.get("payload", {}),
                                            "timeout": float(cmd.get("timeout", self.call_timeout))}, None))
                except (ValueError, KeyError, TypeError) as e:
                    self.recorder.write(event="command", outcome="bad-command", line=line, error=repr(e))


async def _main(args) -> int:
    backend = Backend(args.name, args.tx_base, args.log, args.password, args.call_timeout)
    port = await backend.start(args.host, args.port)
    print(f"{args.name}: listening on ws://{args.host}:{port}/ (transaction ids from {args.tx_base + 1})",
          flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    follower = asyncio.create_task(backend.follow_command_file(args.commands)) if args.commands else None
    try:
        if args.duration:
            await asyncio.wait_for(stop.wait(), args.duration)
        else:
            await stop.wait()
    except asyncio.TimeoutError:
        pass
    finally:
        if follower:
            follower.cancel()
        await backend.stop()
    return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--name", required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port (printed)")
    p.add_argument("--tx-base", type=int, default=1000, help="transaction ids are base+1, base+2, ...")
    p.add_argument("--log", help="JSON-lines recording")
    p.add_argument("--password", help="check the Basic auth password (and user == charge point id)")
    p.add_argument("--commands", help="JSON-lines command file to follow")
    p.add_argument("--call-timeout", type=float, default=10.0)
    p.add_argument("--duration", type=float, default=0, help="stop after this many seconds (0: until signalled)")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    return asyncio.run(_main(args))


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""An OCPP 1.6 charge point that runs the Linking World story, for the interoperability suite.

Built on ocpp.v16.ChargePoint (mobilityhouse/ocpp) and websockets. Connects to URL/{id} with
subprotocol ocpp1.6 and HTTP Basic auth (user = charge point id), then plays STORY below, one
call at a time, each bounded by a timeout. It answers SetChargingProfile and
RemoteStopTransaction with Accepted; anything else a backend sends gets the library's
NotImplemented CALLERROR.

Everything is recorded to a JSON-lines file (see recorder.py): every frame in and out, plus one
{"event": "step", "label": ..., "action": ..., "request": ..., "outcome": ..., "response": ...}
line per story step, so a test can find "the answer to fleet.start" without matching ids.

The sessions are told apart by their meter readings, which no gateway has reason to change:
meterStart 10000 (fleet), 20000 (employee), 30000 (visitor).

Standalone:  python Interop/chargepoint.py --url ws://127.0.0.1:9001/ocpp --id CP-1 \
                 --password linkingworld-demo-key --log cp.jsonl [--hold 2]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import logging
import os
import sys
from dataclasses import asdict
from typing import Any, Awaitable, Callable

from ocpp.charge_point import remove_nones, snake_to_camel_case
from ocpp.exceptions import OCPPError
from ocpp.routing import on
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.enums import Action
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from recorder import FrameLog, Recorder  # noqa: E402

SUBPROTOCOL = "ocpp1.6"

FLEET_TAG = "FLEET-0042"
EMPLOYEE_TAG = "04A2B3C4D5E6F7"   # in Examples/linking-world/employees.txt
VISITOR_TAG = "VISITOR-1"

BOOT = {"chargePointVendor": "InteropVendor", "chargePointModel": "PyCP-1",
        "chargeBoxSerialNumber": "SN-INTEROP-0001", "firmwareVersion": "1.0.0",
        "iccid": "89490200001234567890", "imsi": "262011234567890"}

# Sessions, told apart by their meter readings.
SESSIONS = {
    "fleet":    {"idTag": FLEET_TAG,    "meterStart": 10000, "meter": 10250, "meterStop": 10500,
                 "stopWithIdTag": False},
    "employee": {"idTag": EMPLOYEE_TAG, "meterStart": 20000, "meter": 20350, "meterStop": 20700,
                 "stopWithIdTag": True},
    "visitor":  {"idTag": VISITOR_TAG,  "meterStart": 30000, "meter": None,  "meterStop": 30300,
                 "stopWithIdTag": False},
}


def story_labels() -> list[str]:
    """The labels of the story's steps, in order (one CALL each)."""
    labels = ["boot", "status.available", "heartbeat"]
    for name, s in SESSIONS.items():
        labels += [f"{name}.authorize", f"{name}.start"]
        labels += [f"{name}.meter"] if s["meter"] is not None else []
        labels += ["fleet.datatransfer"] if name == "fleet" else []
        labels += [f"{name}.stop"]
    return labels


def ts(minute: int) -> str:
    return f"2026-03-01T08:{minute:02d}:00Z"


class StoryChargePoint(ChargePoint):
    def __init__(self, cp_id: str, connection, recorder: Recorder, call_timeout: float):
        super().__init__(cp_id, connection, response_timeout=call_timeout)
        self.recorder = recorder
        self.frames = FrameLog(recorder, cp_id)

    async def route_message(self, raw_msg):
        self.frames.frame("recv", raw_msg)
        await super().route_message(raw_msg)

    async def _send(self, message):
        self.frames.frame("sent", message)
        await super()._send(message)

    @on(Action.set_charging_profile)
    def on_set_charging_profile(self, connector_id, cs_charging_profiles, **kwargs):
        return call_result.SetChargingProfile(status="Accepted")

    @on(Action.remote_stop_transaction)
    def on_remote_stop_transaction(self, transaction_id, **kwargs):
        return call_result.RemoteStopTransaction(status="Accepted")

    async def step(self, label: str, request) -> dict[str, Any] | None:
        """Sends one call; records and returns its answer (camelCase), or None on failure."""
        action = type(request).__name__
        payload = remove_nones(snake_to_camel_case(asdict(request)))
        entry = {"event": "step", "chargePoint": self.id, "label": label, "action": action,
                 "request": payload}
        try:
            result = await asyncio.wait_for(self.call(request, suppress=False), self._response_timeout + 1)
        except OCPPError as e:
            self.recorder.write(**entry, outcome="CALLERROR", errorCode=getattr(e, "code", None),
                                errorDescription=e.description)
            return None
        except asyncio.TimeoutError:
            self.recorder.write(**entry, outcome="timeout")
            return None
        except ConnectionClosed as e:
            self.recorder.write(**entry, outcome="closed", error=repr(e))
            raise
        except Exception as e:
            self.recorder.write(**entry, outcome="exception", error=repr(e))
            return None
        response = remove_nones(snake_to_camel_case(asdict(result)))
        self.recorder.write(**entry, outcome="CALLRESULT", response=response)
        return response


Hook = Callable[[str], Awaitable[None]]


async def run_story(cp: StoryChargePoint, hook: Hook | None = None) -> None:
    """The Linking World story. hook(name) is awaited at the named points (e.g. "visitor.started")."""

    async def at(name: str):
        if hook:
            await hook(name)

    await cp.step("boot", call.BootNotification(
        charge_point_vendor=BOOT["chargePointVendor"], charge_point_model=BOOT["chargePointModel"],
        charge_box_serial_number=BOOT["chargeBoxSerialNumber"], firmware_version=BOOT["firmwareVersion"],
        iccid=BOOT["iccid"], imsi=BOOT["imsi"]))
    await cp.step("status.available", call.StatusNotification(
        connector_id=1, error_code="NoError", status="Available", timestamp=ts(0)))
    await cp.step("heartbeat", call.Heartbeat())
    await at("booted")

    minute = 1
    for name in ("fleet", "employee", "visitor"):
        s = SESSIONS[name]
        await cp.step(f"{name}.authorize", call.Authorize(id_tag=s["idTag"]))
        started = await cp.step(f"{name}.start", call.StartTransaction(
            connector_id=1, id_tag=s["idTag"], meter_start=s["meterStart"], timestamp=ts(minute)))
        tx = started.get("transactionId") if started else None
        if tx is None:
            tx = -1  # keep going; the checks will say what went wrong
        await at(f"{name}.started")
        if s["meter"] is not None:
            await cp.step(f"{name}.meter", call.MeterValues(connector_id=1, transaction_id=tx, meter_value=[
                {"timestamp": ts(minute + 1), "sampledValue": [
                    {"value": str(s["meter"]), "measurand": "Energy.Active.Import.Register", "unit": "Wh"}]}]))
        if name == "fleet":
            await cp.step("fleet.datatransfer", call.DataTransfer(
                vendor_id="com.fleetco", message_id="vehicle", data="soc=80"))
        await cp.step(f"{name}.stop", call.StopTransaction(
            meter_stop=s["meterStop"], timestamp=ts(minute + 2), transaction_id=tx,
            id_tag=s["idTag"] if s["stopWithIdTag"] else None, reason="Local"))
        await at(f"{name}.stopped")
        minute += 3


def basic_auth_header(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


async def connect_charge_point(url: str, cp_id: str, password: str | None, recorder: Recorder,
                               call_timeout: float = 10.0, open_timeout: float = 10.0, ssl_context=None):
    """Opens the websocket (over TLS with `ssl_context` for a wss:// url); returns (connection,
    StoryChargePoint, reader task)."""
    headers = {"Authorization": basic_auth_header(cp_id, password)} if password is not None else None
    full_url = url.rstrip("/") + "/" + cp_id
    extra = {"ssl": ssl_context} if ssl_context is not None else {}
    ws = await connect(full_url, subprotocols=[SUBPROTOCOL], additional_headers=headers,
                       open_timeout=open_timeout, close_timeout=2, proxy=None, **extra)
    recorder.write(event="connect", chargePoint=cp_id, url=full_url, subprotocol=ws.subprotocol)
    cp = StoryChargePoint(cp_id, ws, recorder, call_timeout)

    async def reader():
        try:
            await cp.start()
        except ConnectionClosed as e:
            recorder.write(event="disconnect", chargePoint=cp_id, code=e.rcvd.code if e.rcvd else None)

    return ws, cp, asyncio.create_task(reader())


async def _main(args) -> int:
    recorder = Recorder(args.log, args.id)
    ws, cp, reader = await connect_charge_point(args.url, args.id, args.password, recorder, args.call_timeout)
    try:
        await asyncio.wait_for(run_story(cp), args.timeout)
        await asyncio.sleep(args.hold)  # stay connected for calls from backends
    finally:
        await ws.close()
        reader.cancel()
        recorder.close()
    failed = [e for e in recorder.entries if e.get("event") == "step" and e.get("outcome") != "CALLRESULT"]
    for e in failed:
        print(f"step {e['label']}: {e['outcome']} {e.get('errorCode') or e.get('error') or ''}")
    return 1 if failed else 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", required=True, help="e.g. ws://127.0.0.1:8180/ocpp (the id is appended)")
    p.add_argument("--id", default="CP-1")
    p.add_argument("--password", default="linkingworld-demo-key")
    p.add_argument("--log", help="JSON-lines recording")
    p.add_argument("--call-timeout", type=float, default=10.0)
    p.add_argument("--timeout", type=float, default=60.0, help="bound on the whole story")
    p.add_argument("--hold", type=float, default=0.0, help="seconds to stay connected after the story")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    return asyncio.run(_main(args))


if __name__ == "__main__":
    sys.exit(main())

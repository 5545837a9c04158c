#!/usr/bin/env python3
"""Runs the Linking World story through chargemux (or straight into one backend) and checks
what every side saw.

Gateway mode (default): starts the four backends of Examples/linking-world (billing, fleet, ems,
visitors) on free loopback ports, writes a gateway config for them next to the recordings,
starts the gateway under test (--gateway-cmd, default
`.build/debug/chargemux run --config {config}`), waits for it to listen, runs the charge point
story through it, has ems send SetChargingProfile (allowed by site.policy),
RemoteStopTransaction and Reset (both denied), and checks every side against
Examples/linking-world/site.policy.

Security profiles (--profile 2|3, default 1): the charge point connects to the gateway over
wss:// with Basic auth (2) or a client certificate whose CN is its id (3), and billing (the
primary) demands the same profile of the gateway: wss:// with Basic auth (2), or a client
certificate per charge point from a certificateDir (3). Certificates are made for the run with
the `cryptography` package (Interop/pki.py) into --out/certs; the other backends stay on profile 1.

Direct mode (--direct): the charge point talks straight to one backend, no gateway; only the
checks that make sense for a single backend. It proves the scripts themselves.

Prints PASS/FAIL per check and ends with `N passed, M failed`; exits 1 on any failure (2 on a
usage error). Every subprocess is ended on every way out. The recordings stay in --out.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import hashlib
import json
import logging
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from backend import Backend  # noqa: E402
from chargepoint import (BOOT, EMPLOYEE_TAG, FLEET_TAG, SESSIONS, VISITOR_TAG,  # noqa: E402
                         connect_charge_point, run_story, story_labels)
from recorder import Recorder, read_jsonl  # noqa: E402

PKI_OPERATOR = "Interop Operator"  # the O of the run's client certificates (Interop/pki.py)


def make_pki(folder: str, cp_id: str) -> dict[str, str]:
    from pki import make_pki as make  # needs `cryptography`, only for --profile 2 and 3
    return make(folder, cp_id)


def server_context(paths, stem, client_ca):
    from pki import server_context as make
    return make(paths, stem, client_ca)


def client_context(paths, with_certificate):
    from pki import client_context as make
    return make(paths, with_certificate)

EXAMPLE = os.path.join(REPO, "Examples", "linking-world")
POLICY = os.path.join(EXAMPLE, "site.policy")
DEFAULT_GATEWAY_CMD = ".build/debug/chargemux run --config {config}"
CP_PASSWORD = "linkingworld-demo-key"  # its sha256 is in Examples/linking-world/gateway.yaml

# name, transaction id base, env var with its Basic auth password, default password
BACKENDS = [("billing", 1000, "BILLING_KEY", "interop-billing-secret"),
            ("fleet", 2000, "FLEET_KEY", "interop-fleet-secret"),
            ("ems", 3000, "EMS_KEY", "interop-ems-secret"),
            ("visitors", 4000, "VISITORS_KEY", "interop-visitors-secret")]
HASH_KEY_DEFAULT = "interop-hash-key-0123456789abcdef"

# Who owns which session, from site.policy's owner rules (fleet: FLEET-*, billing: employees
# list or vips, visitors: otherwise).
OWNER = {"fleet": "fleet", "employee": "billing", "visitor": "visitors"}
REAL_TAGS = [FLEET_TAG, EMPLOYEE_TAG, VISITOR_TAG]
BOOT_DROPPED = ["chargeBoxSerialNumber", "iccid", "imsi"]

# --- the gateway subprocess, ended on every way out ------------------------------------------
_children: list[subprocess.Popen] = []


def _end_process(proc: subprocess.Popen, grace: float = 5.0) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)  # its own session: the group is just its tree
    except ProcessLookupError:
        return
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(5)


def _end_children() -> None:
    while _children:
        _end_process(_children.pop())


atexit.register(_end_children)


def _die_with_parent() -> None:
    """In the child before exec: SIGKILL it if run_story.py itself is killed (Linux)."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - best effort; the normal paths end it anyway
        pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


TLS_BACKEND = "billing"  # the backend that demands --profile 2 or 3 of the gateway


def gateway_config(gateway_port: int, backend_ports: dict[str, int], call_timeout: int,
                   profile: int = 1, pki: dict[str, str] | None = None) -> str:
    """The linking-world gateway.yaml, with this run's ports and the example's policy; with
    profile 2 or 3 the listener and the TLS backend use the run's certificates."""
    cp_hash = hashlib.sha256(CP_PASSWORD.encode()).hexdigest()
    lines = [
        "# Written by Interop/run_story.py for one run: Examples/linking-world/gateway.yaml",
        "# with free loopback ports.",
        "listen:",
        f"  - address: 127.0.0.1:{gateway_port}",
        "    path: /ocpp",
        f"    securityProfile: {profile}",
    ]
    if profile >= 2:
        lines += ["    tls:",
                  f"      certificate: {json.dumps(pki['gatewaypem'])}",
                  f"      privateKey: {json.dumps(pki['gatewaykey'])}"]
        if profile == 3:
            lines += [f"      clientCA: {json.dumps(pki['capem'])}",
                      f"      requireOrganization: {json.dumps(PKI_OPERATOR)}"]
    lines += [
        "",
        f"policy: {json.dumps(POLICY)}",
        "store: sqlite:chargemux.db",
        "",
        "gatewayAnswers:",
        "  heartbeatInterval: 300",
        "",
        f"callTimeout: {call_timeout}",
        "maxFrameSize: 65536",
        "",
        "redaction:",
        "  hashKey: env:CHARGEMUX_HASH_KEY",
        "",
        "chargePoints:",
        '  - id: "CP-*"',
        f"    passwordSha256: {cp_hash}",
        "",
        "backends:",
    ]
    for name, _, env, _ in BACKENDS:
        if profile >= 2 and name == TLS_BACKEND:
            lines += [f"  - name: {name}",
                      f"    url: wss://127.0.0.1:{backend_ports[name]}/ocpp",
                      '    ocppVersion: "1.6"',
                      f"    securityProfile: {profile}"]
            if profile == 2:
                lines += [f"    password: env:{env}",
                          "    tls:",
                          f"      ca: {json.dumps(pki['capem'])}"]
            else:
                lines += ["    tls:",
                          f"      ca: {json.dumps(pki['capem'])}",
                          f"      certificateDir: {json.dumps(pki['to-backend'])}"]
            continue
        lines += [f"  - name: {name}",
                  f"    url: ws://127.0.0.1:{backend_ports[name]}/ocpp",
                  '    ocppVersion: "1.6"',
                  "    securityProfile: 1",
                  f"    password: env:{env}"]
    return "\n".join(lines) + "\n"


# --- checks ------------------------------------------------------------------------------------
class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name: str, ok: bool, detail: Any = "") -> bool:
        if ok:
            self.passed += 1
            print(f"PASS {name}", flush=True)
        else:
            self.failed += 1
            text = detail if isinstance(detail, str) else json.dumps(detail, default=str)
            if len(text) > 600:
                text = text[:600] + "..."
            print(f"FAIL {name}" + (f": {text}" if text else ""), flush=True)
        return ok


class Side:
    """One side's recording, read back from its JSON-lines file."""

    def __init__(self, path: str, cp_id: str):
        self.entries = read_jsonl(path)
        self.cp_id = cp_id

    def frames(self, direction: str, kind: str = "CALL") -> list[dict]:
        return [e for e in self.entries if e.get("dir") == direction and e.get("type") == kind
                and e.get("chargePoint") == self.cp_id]

    def events(self, event: str) -> list[dict]:
        return [e for e in self.entries if e.get("event") == event]

    def calls_in(self, action: str | None = None) -> list[dict]:
        return [e for e in self.frames("recv") if action is None or e.get("action") == action]

    def actions_in(self) -> list[str]:
        return [e["action"] for e in self.calls_in()]

    def answers_sent(self) -> dict[str, dict]:
        return {e["id"]: e for e in self.frames("sent", "CALLRESULT")}

    def issued(self) -> dict[int, int]:
        """meterStart -> transactionId, for the transactions this backend issued."""
        return {e["meterStart"]: e["transactionId"] for e in self.events("transaction")}

    def step(self, label: str) -> dict:
        for e in self.events("step"):
            if e.get("label") == label:
                return e
        return {}

    def command(self, action: str) -> dict:
        for e in self.events("command"):
            if e.get("action") == action:
                return e
        return {}


def walk_values(obj: Any, key: str | None = None):
    """Yields (key, value) for every scalar in a JSON value, key being its nearest dict key."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from walk_values(v, k)
    elif isinstance(obj, list):
        for v in obj:
            yield from walk_values(v, key)
    else:
        yield key, obj


def transaction_ids(calls: list[dict]) -> list[int]:
    return [v for c in calls for k, v in walk_values(c.get("payload")) if k == "transactionId"]


def meter_reading(call: dict) -> int | None:
    for k, v in walk_values(call.get("payload")):
        if k == "value":
            try:
                return int(float(v))
            except (TypeError, ValueError):
                return None
    return None


def session_of(call: dict) -> str | None:
    """Which story session a StartTransaction/MeterValues/StopTransaction belongs to."""
    p = call.get("payload") or {}
    readings = {"StartTransaction": lambda: p.get("meterStart"),
                "StopTransaction": lambda: p.get("meterStop"),
                "MeterValues": lambda: meter_reading(call)}
    value = readings.get(call.get("action"), lambda: None)()
    for name, s in SESSIONS.items():
        if value in (s["meterStart"], s["meter"], s["meterStop"]):
            return name
    return None


def duplicates(ids: list[str]) -> list[str]:
    seen, dup = set(), []
    for i in ids:
        if i in seen:
            dup.append(i)
        seen.add(i)
    return dup


def check_connection(c: Checks, name: str, side: Side, cp_id: str, password_checked: bool,
                     certificate_checked: bool = False):
    connects = [e for e in side.events("connect") if e.get("chargePoint") == cp_id]
    ok = bool(connects) and all(e.get("subprotocol") == "ocpp1.6" for e in connects)
    if password_checked:
        ok = ok and all(e.get("user") == cp_id and e.get("passwordOk") is True for e in connects)
    if certificate_checked:
        ok = ok and all(e.get("clientCertificateOk") is True for e in connects)
    rejected = [e for e in side.events("rejected")]
    c.check(f"{name}: connected as {cp_id} with subprotocol ocpp1.6"
            + (" and its Basic auth password" if password_checked else "")
            + (" and a client certificate with CN = the id (security profile 3)" if certificate_checked else ""),
            ok and not rejected, {"connects": connects, "handshakes": side.events("handshake"),
                                  "rejected": rejected})


def check_own_ids_only(c: Checks, name: str, side: Side):
    own = set(side.issued().values())
    seen = transaction_ids(side.calls_in())
    foreign = sorted({t for t in seen if t not in own})
    c.check(f"{name}: saw only its own transaction ids {sorted(own)}", bool(seen) and not foreign,
            {"foreign": foreign, "seen": seen})


def check_unique_ids(c: Checks, leg: str, side: Side):
    """Unique CALL ids in each direction of a leg; a leg that carried no CALL fails."""
    got = duplicates([e["id"] for e in side.frames("recv")])
    sent = duplicates([e["id"] for e in side.frames("sent")])
    c.check(f"{leg}: message ids unique ({len(side.frames('recv'))} CALLs in, "
            f"{len(side.frames('sent'))} out)", bool(side.frames("recv") or side.frames("sent"))
            and not got and not sent,
            {"duplicate ids received": got, "duplicate ids sent": sent})


def check_session_ids(c: Checks, name: str, side: Side, sessions: list[str], expect_meter: bool = True):
    """MeterValues/StopTransaction of each session carry the id this backend issued for it."""
    issued = side.issued()
    for s in sessions:
        want = issued.get(SESSIONS[s]["meterStart"])
        calls = [e for e in side.calls_in() if e["action"] in ("MeterValues", "StopTransaction")
                 and session_of(e) == s]
        got = [e["payload"].get("transactionId") for e in calls]
        expected_count = (1 if SESSIONS[s]["meter"] is not None and expect_meter else 0) + 1
        c.check(f"{name}: MeterValues/StopTransaction of the {s} session carry its own id {want}",
                want is not None and len(calls) == expected_count and all(t == want for t in got),
                {"issued": want, "got": [(e["action"], e["payload"].get("transactionId")) for e in calls]})


def assert_gateway(c: Checks, out: str, cp_id: str, profile: int = 1):
    cp = Side(os.path.join(out, "chargepoint.jsonl"), cp_id)
    b = {name: Side(os.path.join(out, f"{name}.jsonl"), cp_id) for name, *_ in BACKENDS}
    sent_by_cp = {e["label"]: e for e in cp.events("step")}

    # Connections.
    c.check("charge point: connected to the gateway with subprotocol ocpp1.6",
            any(e.get("subprotocol") == "ocpp1.6" for e in cp.events("connect")), cp.events("connect"))
    for name in b:
        mutual = profile == 3 and name == TLS_BACKEND
        check_connection(c, name, b[name], cp_id, password_checked=not mutual, certificate_checked=mutual)
    if profile >= 2:
        tls = [e.get("tls") for e in b[TLS_BACKEND].events("handshake")]
        c.check(f"{TLS_BACKEND}: every handshake over TLS (security profile {profile})",
                bool(tls) and all(tls), tls)

    # The charge point's side.
    unanswered = [(e["label"], e.get("outcome"), e.get("errorCode") or e.get("error"))
                  for e in cp.events("step") if e.get("outcome") != "CALLRESULT"]
    labels = [e["label"] for e in cp.events("step")]
    c.check(f"charge point: all {len(story_labels())} story calls made and answered with a CALLRESULT",
            labels == story_labels() and not unanswered, unanswered or {"steps": labels})
    boot = cp.step("boot").get("response") or {}
    c.check("charge point: BootNotification Accepted, interval 300",
            boot.get("status") == "Accepted" and boot.get("interval") == 300, boot)
    hb = cp.step("heartbeat").get("response") or {}
    c.check("charge point: Heartbeat answered (by the gateway) with currentTime", "currentTime" in hb, hb)
    for s, owner in OWNER.items():
        got = ((cp.step(f"{s}.authorize").get("response") or {}).get("idTagInfo") or {})
        c.check(f"charge point: Authorize {SESSIONS[s]['idTag']} answered by its owner {owner}",
                got.get("status") == "Accepted" and got.get("parentIdTag") == owner, got)
    for s, owner in OWNER.items():
        want = b[owner].issued().get(SESSIONS[s]["meterStart"])
        got = (cp.step(f"{s}.start").get("response") or {}).get("transactionId")
        c.check(f"charge point: StartTransaction of the {s} session got the owner's ({owner}) "
                f"transactionId {want}", want is not None and got == want, {"got": got, "owner issued": want})
    dt = cp.step("fleet.datatransfer").get("response") or {}
    c.check("charge point: DataTransfer com.fleetco answered by fleet",
            dt.get("status") == "Accepted" and dt.get("data") == "answered-by:fleet", dt)
    visitor_tx = (cp.step("visitor.start").get("response") or {}).get("transactionId")
    scp = cp.calls_in("SetChargingProfile")
    scp_tx = [((e["payload"].get("csChargingProfiles") or {}).get("transactionId")) for e in scp]
    c.check(f"charge point: got ems's SetChargingProfile once, for its own transactionId {visitor_tx}",
            len(scp) == 1 and visitor_tx is not None and scp_tx == [visitor_tx],
            {"SetChargingProfile transactionIds": scp_tx})
    denied = [e["action"] for e in cp.calls_in() if e["action"] in ("RemoteStopTransaction", "Reset")]
    tried = [b["ems"].command(a).get("outcome") for a in ("RemoteStopTransaction", "Reset")]
    c.check("charge point: saw nothing of ems's denied RemoteStopTransaction and Reset",
            not denied and all(t in ("CALLERROR", "CALLRESULT", "timeout") for t in tried),
            denied or f"ems could not send them: {tried}")
    others = [e["action"] for e in cp.calls_in() if e["action"] != "SetChargingProfile"]
    c.check("charge point: no other calls from backends", not others, others)
    check_unique_ids(c, "charge point <-> gateway", cp)

    # Backends: exactly what site.policy routes to each, in order.
    expected = {
        "billing":  ["BootNotification", "StatusNotification",
                     "Authorize", "StartTransaction", "MeterValues", "StopTransaction"],
        "fleet":    ["BootNotification", "StatusNotification",
                     "Authorize", "StartTransaction", "MeterValues", "DataTransfer", "StopTransaction"],
        "visitors": ["BootNotification", "StatusNotification",
                     "Authorize", "StartTransaction", "StopTransaction"],
        "ems":      ["BootNotification", "StatusNotification",
                     "StartTransaction", "MeterValues", "StopTransaction",
                     "StartTransaction", "MeterValues", "StopTransaction",
                     "StartTransaction", "StopTransaction"],
    }
    why = {"billing": "Boot/Status to all; the employee's Authorize/Start/MeterValues/Stop (owner billing)",
           "fleet": "Boot/Status to all; the fleet car's Authorize/Start/MeterValues/Stop (owner fleet); "
                    "DataTransfer com.fleetco",
           "visitors": "Boot/Status to all; the visitor's Authorize/Start/Stop (owner visitors)",
           "ems": "Boot/Status to all; every Start/MeterValues/Stop, no Authorize"}
    for name, want in expected.items():
        got = b[name].actions_in()
        c.check(f"{name}: received exactly {why[name]}", got == want, {"want": want, "got": got})
    hb_seen = [name for name in b if b[name].calls_in("Heartbeat")]
    c.check("no backend received a Heartbeat (route Heartbeat to gateway)", not hb_seen, hb_seen)

    status_sent = sent_by_cp.get("status.available", {}).get("request")
    for name in b:
        got = [e["payload"] for e in b[name].calls_in("StatusNotification")]
        c.check(f"{name}: StatusNotification arrived unchanged", got == [status_sent], got)

    for name in b:
        boots = [e["payload"] for e in b[name].calls_in("BootNotification")]
        if name in ("ems", "visitors"):
            want = {k: v for k, v in BOOT.items() if k not in BOOT_DROPPED}
            label = "without chargeBoxSerialNumber/iccid/imsi (dropped for ems, visitors)"
        else:
            want, label = dict(BOOT), "unchanged, serial/iccid/imsi included"
        c.check(f"{name}: BootNotification {label}", boots == [want], {"want": want, "got": boots})

    # Owners see the real idTags of their own users, and only those.
    for name, s in (("fleet", "fleet"), ("billing", "employee"), ("visitors", "visitor")):
        tag = SESSIONS[s]["idTag"]
        got = [(e["action"], e["payload"].get("idTag")) for e in b[name].calls_in()
               if e["action"] in ("Authorize", "StartTransaction", "StopTransaction")]
        want = [("Authorize", tag), ("StartTransaction", tag),
                ("StopTransaction", tag if SESSIONS[s]["stopWithIdTag"] else None)]
        c.check(f"{name}: Authorize/Start/Stop carry the real idTag {tag}", got == want,
                {"want": want, "got": got})

    # ems: idTag replaced by the owner's name, its own transaction ids.
    ems = b["ems"]
    starts = [(session_of(e), e["payload"].get("idTag")) for e in ems.calls_in("StartTransaction")]
    c.check("ems: StartTransaction idTag replaced by the owner name (fleet, billing, visitors)",
            starts == [("fleet", "fleet"), ("employee", "billing"), ("visitor", "visitors")], starts)
    stops = [(session_of(e), e["payload"].get("idTag")) for e in ems.calls_in("StopTransaction")]
    c.check("ems: StopTransaction idTag replaced by the owner name where the charge point sent one",
            stops == [("fleet", None), ("employee", "billing"), ("visitor", None)], stops)
    leaks = [(e["action"], k, v) for e in ems.calls_in() for k, v in walk_values(e.get("payload"))
             if isinstance(v, str) and any(t.lower() in v.lower() for t in REAL_TAGS)]
    c.check("ems: no real idTag anywhere in what it received", bool(ems.calls_in()) and not leaks,
            leaks or "ems received nothing")
    check_session_ids(c, "ems", ems, ["fleet", "employee", "visitor"])
    check_session_ids(c, "fleet", b["fleet"], ["fleet"])
    check_session_ids(c, "billing", b["billing"], ["employee"])
    check_session_ids(c, "visitors", b["visitors"], ["visitor"])
    for name in b:
        check_own_ids_only(c, name, b[name])

    # ems's calls to the charge point.
    scp_cmd = ems.command("SetChargingProfile")
    c.check("ems: SetChargingProfile allowed, CALLRESULT Accepted",
            scp_cmd.get("outcome") == "CALLRESULT" and (scp_cmd.get("response") or {}).get("status") == "Accepted",
            scp_cmd)
    for action in ("RemoteStopTransaction", "Reset"):
        cmd = ems.command(action)
        c.check(f"ems: {action} denied, CALLERROR ({cmd.get('errorCode')})",
                cmd.get("outcome") == "CALLERROR", cmd)

    for name in b:
        check_unique_ids(c, f"gateway <-> {name}", b[name])


def assert_direct(c: Checks, out: str, cp_id: str, name: str):
    cp = Side(os.path.join(out, "chargepoint.jsonl"), cp_id)
    be = Side(os.path.join(out, f"{name}.jsonl"), cp_id)

    c.check("charge point: connected with subprotocol ocpp1.6",
            any(e.get("subprotocol") == "ocpp1.6" for e in cp.events("connect")), cp.events("connect"))
    check_connection(c, name, be, cp_id, password_checked=True)
    unanswered = [(e["label"], e.get("outcome"), e.get("errorCode") or e.get("error"))
                  for e in cp.events("step") if e.get("outcome") != "CALLRESULT"]
    labels = [e["label"] for e in cp.events("step")]
    c.check(f"charge point: all {len(story_labels())} story calls made and answered with a CALLRESULT",
            labels == story_labels() and not unanswered, unanswered or {"steps": labels})
    sent = [(e["id"], e["action"], e["payload"]) for e in cp.frames("sent")]
    got = [(e["id"], e["action"], e["payload"]) for e in be.frames("recv")]
    c.check(f"{name}: received every CALL the charge point sent ({len(sent)}), same ids, same payloads, "
            "in order", sent == got and len(sent) == len(story_labels()), {"sent": len(sent), "got": len(got)})
    answers_sent = [(e["id"], e["payload"]) for e in be.frames("sent", "CALLRESULT")]
    answers_got = [(e["id"], e["payload"]) for e in cp.frames("recv", "CALLRESULT")]
    c.check("charge point: received every answer the backend sent, unchanged", answers_sent == answers_got,
            {"sent": len(answers_sent), "got": len(answers_got)})
    boot = cp.step("boot").get("response") or {}
    c.check("charge point: BootNotification Accepted, interval 300",
            boot.get("status") == "Accepted" and boot.get("interval") == 300, boot)
    hb = cp.step("heartbeat").get("response") or {}
    c.check("charge point: Heartbeat answered with currentTime", "currentTime" in hb, hb)
    for s in SESSIONS:
        got_tag = ((cp.step(f"{s}.authorize").get("response") or {}).get("idTagInfo") or {})
        c.check(f"charge point: Authorize {SESSIONS[s]['idTag']} Accepted by {name}",
                got_tag.get("status") == "Accepted" and got_tag.get("parentIdTag") == name, got_tag)
    issued = be.issued()
    base = dict((n, b) for n, b, *_ in BACKENDS).get(name, 1000)
    want_ids = [base + 1, base + 2, base + 3]
    c.check(f"{name}: issued transaction ids {want_ids} from its own counter",
            [issued.get(SESSIONS[s]["meterStart"]) for s in SESSIONS] == want_ids, issued)
    for s in SESSIONS:
        got_tx = (cp.step(f"{s}.start").get("response") or {}).get("transactionId")
        want = issued.get(SESSIONS[s]["meterStart"])
        c.check(f"charge point: StartTransaction of the {s} session got {name}'s transactionId {want}",
                want is not None and got_tx == want, got_tx)
    check_session_ids(c, name, be, list(SESSIONS))
    check_own_ids_only(c, name, be)
    tags = [(e["action"], e["payload"].get("idTag")) for e in be.calls_in()
            if e["action"] in ("Authorize", "StartTransaction")]
    want_tags = [(a, SESSIONS[s]["idTag"]) for s in SESSIONS for a in ("Authorize", "StartTransaction")]
    c.check(f"{name}: idTags arrive as sent (no redaction without a gateway)", tags == want_tags, tags)
    boots = [e["payload"] for e in be.calls_in("BootNotification")]
    c.check(f"{name}: BootNotification with serial/iccid/imsi", boots == [BOOT], boots)
    dt = cp.step("fleet.datatransfer").get("response") or {}
    c.check(f"charge point: DataTransfer answered by {name}",
            dt.get("status") == "Accepted" and dt.get("data") == f"answered-by:{name}", dt)

    visitor_tx = issued.get(SESSIONS["visitor"]["meterStart"])
    scp_cmd = be.command("SetChargingProfile")
    c.check(f"{name}: SetChargingProfile answered Accepted (recorded as CALLRESULT)",
            scp_cmd.get("outcome") == "CALLRESULT" and (scp_cmd.get("response") or {}).get("status") == "Accepted",
            scp_cmd)
    scp = [((e["payload"].get("csChargingProfiles") or {}).get("transactionId")) for e in cp.calls_in("SetChargingProfile")]
    c.check(f"charge point: recorded the SetChargingProfile for transaction {visitor_tx}",
            visitor_tx is not None and scp == [visitor_tx], scp)
    rst = be.command("RemoteStopTransaction")
    c.check(f"{name}: RemoteStopTransaction answered Accepted (no gateway here to deny it)",
            rst.get("outcome") == "CALLRESULT" and (rst.get("response") or {}).get("status") == "Accepted", rst)
    c.check("charge point: recorded the RemoteStopTransaction",
            [e["payload"].get("transactionId") for e in cp.calls_in("RemoteStopTransaction")] == [visitor_tx],
            cp.calls_in("RemoteStopTransaction"))
    reset = be.command("Reset")
    c.check(f"{name}: Reset recorded as CALLERROR NotImplemented (the charge point has no Reset handler)",
            reset.get("outcome") == "CALLERROR" and reset.get("errorCode") == "NotImplemented", reset)
    check_unique_ids(c, f"charge point <-> {name}", cp)
    check_unique_ids(c, f"{name} <-> charge point", be)


# --- the run ------------------------------------------------------------------------------------
async def settle(recorders: list[Recorder], quiet: float = 1.0, limit: float = 5.0):
    """Waits until no side has recorded anything for `quiet` seconds (at most `limit`)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + limit
    last = sum(len(r.entries) for r in recorders)
    quiet_since = loop.time()
    while loop.time() < end:
        await asyncio.sleep(0.1)
        now = sum(len(r.entries) for r in recorders)
        if now != last:
            last, quiet_since = now, loop.time()
        elif loop.time() - quiet_since >= quiet:
            return


def tail(path: str, n: int = 20) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError:
        return ""


async def wait_listening(proc: subprocess.Popen, port: int, timeout: float) -> str | None:
    """None once 127.0.0.1:port accepts; else why not."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        if proc.poll() is not None:
            return f"the gateway exited with status {proc.returncode} before listening"
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 1)
            writer.close()
            return None
        except (OSError, asyncio.TimeoutError):
            await asyncio.sleep(0.1)
    return f"nothing listened on 127.0.0.1:{port} within {timeout:g} s"


async def scenario(args, c: Checks, out: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + args.timeout - 5  # leave time for cleanup and the checks
    cp_id = args.charge_point_id
    chosen = [b for b in BACKENDS if not args.direct or b[0] == args.direct_backend]
    ports = dict(p.split("=", 1) for p in args.ports.split(",")) if args.ports else {}
    env = dict(os.environ)
    env.setdefault("CHARGEMUX_HASH_KEY", HASH_KEY_DEFAULT)

    backends: dict[str, Backend] = {}
    proc: subprocess.Popen | None = None
    certs = make_pki(os.path.join(out, "certs"), cp_id) if args.profile >= 2 else None
    conn = reader = recorder = None
    try:
        for name, base, env_name, default in chosen:
            env.setdefault(env_name, default)
            password = env[env_name] if not args.direct else CP_PASSWORD
            ssl_context = None
            if certs is not None and name == TLS_BACKEND:
                ssl_context = server_context(certs, "backend", client_ca=args.profile == 3)
                if args.profile == 3:
                    password = None
            backends[name] = Backend(name, base, os.path.join(out, f"{name}.jsonl"), password,
                                     call_timeout=args.call_timeout, ssl_context=ssl_context,
                                     require_client_certificate=ssl_context is not None and args.profile == 3)
            await backends[name].start("127.0.0.1", int(ports.get(name, 0)))
        print("backends: " + ", ".join(f"{n} {'wss' if b.ssl_context else 'ws'}://127.0.0.1:{b.port}/ocpp "
                                       f"(ids from {b.tx_base + 1})"
                                       for n, b in backends.items()), flush=True)

        if args.direct:
            url = f"ws://127.0.0.1:{backends[args.direct_backend].port}/ocpp"
            commander = backends[args.direct_backend]
        else:
            gw_port = args.gateway_port or free_port()
            config = os.path.join(out, "gateway.yaml")
            with open(config, "w", encoding="utf-8") as f:
                f.write(gateway_config(gw_port, {n: b.port for n, b in backends.items()},
                                       max(1, int(args.call_timeout)), args.profile, certs))
            cmd = args.gateway_cmd.replace("{config}", shlex.quote(config))
            argv = shlex.split(cmd)
            if "{config}" not in args.gateway_cmd:
                argv += ["--config", config]
            print(f"gateway: {shlex.join(argv)} (cwd {REPO}), listening on 127.0.0.1:{gw_port}", flush=True)
            stdout = open(os.path.join(out, "gateway.stdout"), "wb")
            stderr = open(os.path.join(out, "gateway.stderr"), "wb")
            try:
                proc = subprocess.Popen(argv, cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=stdout,
                                        stderr=stderr, start_new_session=True,
                                        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
            except OSError as e:
                hint = (" (build it first: swift build --product chargemux)"
                        if args.gateway_cmd == DEFAULT_GATEWAY_CMD else "")
                c.check("gateway: started", False, f"{argv[0]}: {e.strerror}{hint}")
                return
            finally:
                stdout.close()
                stderr.close()
            _children.append(proc)
            why = await wait_listening(proc, gw_port, min(args.start_timeout, deadline - loop.time()))
            if not c.check(f"gateway: listening on 127.0.0.1:{gw_port}", why is None,
                           (why or "") + "\n--- gateway stderr (tail) ---\n" + tail(os.path.join(out, "gateway.stderr"))):
                return
            url = f"{'wss' if args.profile >= 2 else 'ws'}://127.0.0.1:{gw_port}/ocpp"
            commander = backends["ems"]

        recorder = Recorder(os.path.join(out, "chargepoint.jsonl"), cp_id)
        try:
            conn, cp, reader = await connect_charge_point(
                url, cp_id, CP_PASSWORD if args.profile < 3 else None, recorder,
                call_timeout=args.call_timeout, open_timeout=min(10, args.call_timeout * 2),
                ssl_context=client_context(certs, with_certificate=args.profile == 3) if certs else None)
        except Exception as e:
            c.check(f"charge point: connects to {url}", False, repr(e))
            return

        async def hook(point: str):
            if point != "visitor.started":
                return
            # ems (or the one backend) acts on the visitor's transaction, by its own id for it;
            # ems's copy of the StartTransaction may arrive after the charge point's answer.
            meter_start = SESSIONS["visitor"]["meterStart"]
            wait_until = loop.time() + args.call_timeout
            while commander.transaction_for(meter_start) is None and loop.time() < wait_until:
                await asyncio.sleep(0.05)
            tx = commander.transaction_for(meter_start)
            profile = {"chargingProfileId": 77, "stackLevel": 1, "chargingProfileKind": "Relative",
                       "chargingSchedule": {"chargingRateUnit": "A",
                                            "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16.0}]}}
            if tx is not None:
                profile.update(transactionId=tx, chargingProfilePurpose="TxProfile")
            else:
                profile.update(chargingProfilePurpose="TxDefaultProfile")
            await commander.command(cp_id, "SetChargingProfile", {"connectorId": 1, "csChargingProfiles": profile})
            await commander.command(cp_id, "RemoteStopTransaction", {"transactionId": tx if tx is not None else 0})
            await commander.command(cp_id, "Reset", {"type": "Soft"})

        remaining = deadline - loop.time()
        try:
            await asyncio.wait_for(run_story(cp, hook), max(1.0, remaining))
        except asyncio.TimeoutError:
            c.check("story: finished within the time bound", False, f"{args.timeout:g} s")
        except Exception as e:
            c.check("story: ran to the end", False, repr(e))
        await settle([recorder] + [b.recorder for b in backends.values()],
                     limit=max(0.5, min(5.0, deadline - loop.time())))
        if proc is not None:
            c.check("gateway: still running after the story", proc.poll() is None,
                    f"exited with status {proc.returncode}\n--- gateway stderr (tail) ---\n"
                    + tail(os.path.join(out, "gateway.stderr")))
    finally:
        if conn is not None:
            try:
                await asyncio.wait_for(conn.close(), 3)
            except Exception:
                pass
        if reader is not None:
            reader.cancel()
        if recorder is not None:
            recorder.close()
        if proc is not None:
            await loop.run_in_executor(None, _end_process, proc)
            if proc in _children:
                _children.remove(proc)
        for b in backends.values():
            await b.stop()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument("--gateway-cmd", default=DEFAULT_GATEWAY_CMD,
                   help="command line of the gateway, run from the repository root; {config} is replaced "
                        "by the generated config's path (appended as --config PATH if absent). "
                        f"Default: {DEFAULT_GATEWAY_CMD!r}")
    p.add_argument("--direct", action="store_true",
                   help="baseline: the charge point talks straight to one backend, no gateway")
    p.add_argument("--direct-backend", default="billing", choices=[b[0] for b in BACKENDS],
                   help="the backend --direct uses (default billing)")
    p.add_argument("--ports", default="", help="fixed backend ports, e.g. billing=9001,fleet=9002 (default: free)")
    p.add_argument("--gateway-port", type=int, default=0, help="the gateway's listen port (default: free)")
    p.add_argument("--charge-point-id", default="CP-1")
    p.add_argument("--profile", type=int, choices=[1, 2, 3], default=1,
                   help="security profile of the charge point's connection and of billing's (default 1): "
                        "2 = wss + Basic auth, 3 = wss + client certificates")
    p.add_argument("--out", help="folder for recordings and the generated config "
                                 "(default .build/interop/run-TIMESTAMP)")
    p.add_argument("--timeout", type=float, default=60.0, help="bound on the whole run, seconds (default 60)")
    p.add_argument("--start-timeout", type=float, default=20.0,
                   help="how long the gateway may take to listen (default 20)")
    p.add_argument("--call-timeout", type=float, default=5.0, help="bound on each OCPP call (default 5)")
    args = p.parse_args(argv)
    if args.direct and args.profile != 1:
        p.error("--profile 2 and 3 need the gateway (not --direct)")
    if args.ports:
        try:
            names = {b[0] for b in BACKENDS}
            pairs = dict(x.split("=", 1) for x in args.ports.split(","))
            assert set(pairs) <= names and all(int(v) >= 0 for v in pairs.values())
        except (ValueError, AssertionError):
            p.error("--ports takes NAME=PORT,... with names from billing, fleet, ems, visitors")

    out = os.path.abspath(args.out or os.path.join(REPO, ".build", "interop",
                                                   time.strftime("run-%Y%m%d-%H%M%S")))
    os.makedirs(out, exist_ok=True)
    for f in os.listdir(out):  # a reused --out starts afresh, the gateway's store too
        if f.endswith(".jsonl") or f.startswith("chargemux.db"):
            os.remove(os.path.join(out, f))
    logging.basicConfig(filename=os.path.join(out, "python.log"), level=logging.INFO,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    mode = f"direct to {args.direct_backend}" if args.direct else "through the gateway"
    if args.profile != 1:
        mode += f" on security profile {args.profile}"
    print(f"interop: Linking World story {mode}; recordings in {out}", flush=True)

    c = Checks()

    async def run():
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(sig, task.cancel)
        try:
            await asyncio.wait_for(scenario(args, c, out), args.timeout)
            return True
        except asyncio.TimeoutError:
            c.check(f"run: finished within {args.timeout:g} s", False, "timed out")
            return True
        except asyncio.CancelledError:
            return False

    started = time.monotonic()
    try:
        completed = asyncio.run(run())
    finally:
        _end_children()
    if not completed:
        print("interrupted", flush=True)
        print(f"{c.passed} passed, {c.failed + 1} failed", flush=True)
        return 1
    if os.path.exists(os.path.join(out, "chargepoint.jsonl")):  # else the run failed before the story
        if args.direct:
            assert_direct(c, out, args.charge_point_id, args.direct_backend)
        else:
            assert_gateway(c, out, args.charge_point_id, args.profile)
    print(f"interop: {time.monotonic() - started:.1f} s; recordings in {out}", flush=True)
    print(f"{c.passed} passed, {c.failed} failed", flush=True)
    return 0 if c.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

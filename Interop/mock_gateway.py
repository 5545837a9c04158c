#!/usr/bin/env python3
"""A stand-in gateway, only for proving run_story.py's gateway-mode checks before chargemux run
exists. It is NOT chargemux and reads no policy: Examples/linking-world/site.policy's rules are
hard-coded below, for the one story run_story.py plays.

    .venv/bin/python Interop/run_story.py \
        --gateway-cmd '.venv/bin/python Interop/mock_gateway.py --config {config}'

--bug NAME breaks one rule on purpose, to see the checks catch it (a negative control):
  leak-idtag   ems gets the real idTags
  heartbeat    Heartbeat goes to billing instead of being answered here
  no-deny      ems's RemoteStopTransaction and Reset reach the charge point
  raw-txid     transaction ids are passed through untranslated
  keep-serial  BootNotification reaches ems and visitors with serial/iccid/imsi
--copy-delay S sends the targets that do not answer their copy S seconds late, after the charge
point has its answer, as a gateway that does not wait for them might.

Reads only the config run_story.py writes (listen address, backends, the charge points'
passwordSha256, env: passwords), with line patterns rather than a YAML parser.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime
import hashlib
import itertools
import json
import os
import re
import signal
import sys

from websockets.asyncio.client import connect
from websockets.asyncio.server import serve
from websockets.exceptions import ConnectionClosed

EMPLOYEES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                         "Examples", "linking-world", "employees.txt")
VIPS = {"VIP-0001", "VIP-0002"}
EMS_ALLOWED = {"SetChargingProfile", "ClearChargingProfile", "GetCompositeSchedule",
               "GetConfiguration", "TriggerMessage"}
DROP_IN_BOOT = ("chargeBoxSerialNumber", "iccid", "imsi")


def load_config(path: str) -> dict:
    text = open(path, encoding="utf-8").read()
    listen = re.search(r"address:\s*([\d.]+):(\d+)", text)
    backends = re.findall(r"- name:\s*(\S+)\s*\n\s*url:\s*(\S+)\s*\n(?:.*\n)*?\s*password:\s*env:(\S+)", text)
    sha = re.search(r"passwordSha256:\s*([0-9a-f]{64})", text)
    return {"host": listen.group(1), "port": int(listen.group(2)), "cpSha256": sha.group(1),
            "backends": [(n, u, os.environ.get(e, "")) for n, u, e in backends]}


def employees() -> set[str]:
    out = set()
    for line in open(EMPLOYEES, encoding="utf-8"):
        line = line.split("#", 1)[0].strip()
        if line:
            out.add(line.upper())
    return out


class Link:
    """One websocket with OCPP-J call/answer bookkeeping."""

    def __init__(self, ws, prefix: str, on_call):
        self.ws, self.on_call = ws, on_call
        self.pending: dict[str, asyncio.Future] = {}
        self.lock = asyncio.Lock()  # one call in flight per connection, in the order asked
        self.ids = (f"{prefix}-{n}" for n in itertools.count(1))

    async def run(self):
        try:
            async for raw in self.ws:
                msg = json.loads(raw)
                if msg[0] == 2:
                    await self.on_call(self, msg)
                elif msg[1] in self.pending:
                    self.pending.pop(msg[1]).set_result(msg)
        except ConnectionClosed:
            pass

    async def call(self, action: str, payload: dict, timeout: float = 5, delay: float = 0) -> list:
        async with self.lock:
            if delay:
                await asyncio.sleep(delay)
            uid = next(self.ids)
            fut = asyncio.get_running_loop().create_future()
            self.pending[uid] = fut
            await self.ws.send(json.dumps([2, uid, action, payload]))
            return await asyncio.wait_for(fut, timeout)

    async def answer(self, uid: str, payload: dict):
        await self.ws.send(json.dumps([3, uid, payload]))

    async def error(self, uid: str, code: str, text: str):
        await self.ws.send(json.dumps([4, uid, code, text, {}]))


class Session:
    """One charge point and its onward links."""

    def __init__(self, cp_id: str, cp: Link, cfg: dict, bugs: set[str], copy_delay: float = 0):
        self.cp_id, self.cp, self.cfg, self.bugs = cp_id, cp, cfg, bugs
        self.copy_delay = copy_delay
        self.backends: dict[str, Link] = {}
        self.employees = employees()
        self.tx: dict[int, dict] = {}  # charge point tx id -> {"owner", "ids": {backend: task}}
        self.queue: asyncio.Queue = asyncio.Queue()

    def owner(self, id_tag: str) -> str:
        if id_tag.upper().startswith("FLEET-"):
            return "fleet"
        if id_tag.upper() in self.employees or id_tag.upper() in VIPS:
            return "billing"
        return "visitors"

    async def open_backends(self):
        for name, url, password in self.cfg["backends"]:
            auth = "Basic " + base64.b64encode(f"{self.cp_id}:{password}".encode()).decode()
            ws = await connect(f"{url}/{self.cp_id}", subprotocols=["ocpp1.6"],
                               additional_headers={"Authorization": auth}, proxy=None, compression=None)
            link = Link(ws, f"gw-{name}", self.from_backend(name))
            self.backends[name] = link
            asyncio.create_task(link.run())

    async def from_cp(self, link: Link, msg: list):
        await self.queue.put(msg)  # one at a time, in order

    async def cp_worker(self):
        while True:
            _, uid, action, payload = await self.queue.get()
            try:
                answer = await self.route(action, payload)
            except Exception as e:  # noqa: BLE001
                await self.cp.error(uid, "InternalError", repr(e))
                continue
            await self.cp.answer(uid, answer)

    async def forward(self, targets: dict[str, dict], responder: str, action: str):
        """Answers with the responder's answer; with --copy-delay the other targets get their
        copy later (in order per backend), after the charge point has its answer."""
        tasks = {n: asyncio.create_task(self.backends[n].call(
                     action, p, delay=0 if n == responder else self.copy_delay))
                 for n, p in targets.items()}
        return tasks, (await tasks[responder])[2]

    async def route(self, action: str, p: dict) -> dict:
        now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        if action == "Heartbeat" and "heartbeat" not in self.bugs:
            return {"currentTime": now}
        if action == "Heartbeat":
            return (await self.forward({"billing": p}, "billing", action))[1]
        if action in ("BootNotification", "StatusNotification"):
            targets = {}
            for n in self.backends:
                q = dict(p)
                if action == "BootNotification" and n in ("ems", "visitors") and "keep-serial" not in self.bugs:
                    for k in DROP_IN_BOOT:
                        q.pop(k, None)
                targets[n] = q
            return (await self.forward(targets, "billing", action))[1]
        if action == "DataTransfer":
            to = "fleet" if p.get("vendorId") == "com.fleetco" else "billing"
            return (await self.forward({to: p}, to, action))[1]
        if action == "Authorize":
            owner = self.owner(p["idTag"])
            return (await self.forward({owner: p}, owner, action))[1]
        if action == "StartTransaction":
            owner = self.owner(p["idTag"])
            tasks, answer = await self.forward({owner: p, "ems": self.for_ems(p, owner)}, owner, action)
            self.tx[answer["transactionId"]] = {"owner": owner, "ids": tasks}
            return answer
        if action in ("MeterValues", "StopTransaction"):
            t = self.tx[p["transactionId"]]
            targets = {}
            for n in (t["owner"], "ems"):
                q = dict(p)
                if "raw-txid" not in self.bugs:
                    q["transactionId"] = (await t["ids"][n])[2]["transactionId"]
                targets[n] = self.for_ems(q, t["owner"]) if n == "ems" else q
            return (await self.forward(targets, t["owner"], action))[1]
        return (await self.forward({"billing": p}, "billing", action))[1]

    def for_ems(self, p: dict, owner: str) -> dict:
        if "idTag" in p and "leak-idtag" not in self.bugs:
            return dict(p, idTag=owner)
        return p

    def from_backend(self, name: str):
        async def handle(link: Link, msg: list):
            _, uid, action, payload = msg
            allowed = name == "ems" and action in EMS_ALLOWED or "no-deny" in self.bugs
            if not allowed:
                await link.error(uid, "SecurityError", f"{name} may not send {action}")
                return
            q = json.loads(json.dumps(payload))

            async def relay():  # a task: the reader must go on (the copies' answers arrive there)
                target = q.get("csChargingProfiles", q)
                if "raw-txid" not in self.bugs and "transactionId" in target:
                    for cp_tx, t in list(self.tx.items()):
                        task = t["ids"].get(name)
                        if task and (await task)[2].get("transactionId") == target["transactionId"]:
                            target["transactionId"] = cp_tx
                            break
                answer = await self.cp.call(action, q)
                if answer[0] == 3:
                    await link.answer(uid, answer[2])
                else:
                    await link.error(uid, answer[2], answer[3])
            asyncio.create_task(relay())
        return handle


async def main_async(args) -> int:
    cfg = load_config(args.config)
    bugs = set(args.bug or [])

    def check(connection, request):
        header = request.headers.get("Authorization", "")
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except Exception:  # noqa: BLE001
            user, password = "", ""
        cp_id = request.path.rstrip("/").rsplit("/", 1)[-1]
        if user != cp_id or hashlib.sha256(password.encode()).hexdigest() != cfg["cpSha256"]:
            return connection.respond(401, "Unauthorized\n")
        return None

    async def handler(ws):
        cp_id = ws.request.path.rstrip("/").rsplit("/", 1)[-1]
        session = Session(cp_id, None, cfg, bugs, args.copy_delay)
        session.cp = Link(ws, "gw", session.from_cp)
        await session.open_backends()
        worker = asyncio.create_task(session.cp_worker())
        try:
            await session.cp.run()
        finally:
            worker.cancel()
            for link in session.backends.values():
                await link.ws.close()

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with serve(handler, cfg["host"], cfg["port"], subprotocols=["ocpp1.6"], process_request=check):
        print(f"mock gateway listening on {cfg['host']}:{cfg['port']} bugs={sorted(bugs)}", flush=True)
        await stop.wait()
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("run", nargs="?", help="ignored (so the command line reads like chargemux run)")
    p.add_argument("--config", required=True)
    p.add_argument("--bug", action="append", choices=["leak-idtag", "heartbeat", "no-deny", "raw-txid",
                                                      "keep-serial"])
    p.add_argument("--copy-delay", type=float, default=0,
                   help="send non-responders their copy this many seconds late (after the answer)")
    return asyncio.run(main_async(p.parse_args()))


if __name__ == "__main__":
    sys.exit(main())

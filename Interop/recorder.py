"""JSON-lines recording shared by backend.py and chargepoint.py.

Every OCPP-J frame a side sends or receives is written as one line, flushed at once, so a test
can read the file while the side is still running and nothing is lost when it is killed:

    {"t": 1700000000.123, "side": "ems", "chargePoint": "CP-1", "dir": "recv",
     "type": "CALL", "id": "...", "action": "StartTransaction", "payload": {...}}

type is CALL, CALLRESULT or CALLERROR; for CALLRESULT and CALLERROR "action" is the action of the
CALL it answers (looked up by message id on the same connection; null if the id is unknown), and
a CALLERROR has "errorCode" and "errorDescription" instead of "payload". Other events use
"event" instead of "type" (connect, disconnect, step, command, ...).
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any


class Recorder:
    """Appends JSON objects to a file, one a line. Safe to share between connections."""

    def __init__(self, path: str | None, side: str):
        self.side = side
        self.path = path
        self._lock = threading.Lock()
        self._file = open(path, "a", encoding="utf-8") if path else None
        self.entries: list[dict[str, Any]] = []  # the same records, in memory

    def write(self, **fields: Any) -> dict[str, Any]:
        entry = {"t": round(time.time(), 6), "side": self.side}
        entry.update(fields)
        with self._lock:
            self.entries.append(entry)
            if self._file:
                self._file.write(json.dumps(entry, separators=(",", ":"), default=str) + "\n")
                self._file.flush()
        return entry

    def close(self) -> None:
        with self._lock:
            if self._file:
                self._file.close()
                self._file = None


class FrameLog:
    """Records the frames of one websocket connection; remembers which action each id was."""

    def __init__(self, recorder: Recorder, charge_point: str):
        self.recorder = recorder
        self.charge_point = charge_point
        self._actions: dict[str, str] = {}  # message id -> action, for both directions

    def frame(self, direction: str, raw: str | bytes) -> None:
        try:
            msg = json.loads(raw)
        except ValueError:
            self.recorder.write(chargePoint=self.charge_point, dir=direction, type="INVALID", raw=str(raw))
            return
        if not isinstance(msg, list) or len(msg) < 3:
            self.recorder.write(chargePoint=self.charge_point, dir=direction, type="INVALID", raw=msg)
            return
        kind, unique_id = msg[0], str(msg[1])
        if kind == 2 and len(msg) >= 4:
            self._actions[unique_id] = msg[2]
            self.recorder.write(chargePoint=self.charge_point, dir=direction, type="CALL",
                                id=unique_id, action=msg[2], payload=msg[3])
        elif kind == 3:
            self.recorder.write(chargePoint=self.charge_point, dir=direction, type="CALLRESULT",
                                id=unique_id, action=self._actions.get(unique_id), payload=msg[2])
        elif kind == 4:
            self.recorder.write(chargePoint=self.charge_point, dir=direction, type="CALLERROR",
                                id=unique_id, action=self._actions.get(unique_id),
                                errorCode=msg[2] if len(msg) > 2 else None,
                                errorDescription=msg[3] if len(msg) > 3 else None)
        else:
            self.recorder.write(chargePoint=self.charge_point, dir=direction, type="INVALID", raw=msg)


def read_jsonl(path: str) -> list[dict[str, Any]]:
    """Reads a recording back; a torn last line (killed writer) is skipped."""
    out: list[dict[str, Any]] = []
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                try:
                    out.append(json.loads(line))
                except ValueError:
                    pass
    except FileNotFoundError:
        pass
    return out

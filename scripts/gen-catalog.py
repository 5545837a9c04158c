#!/usr/bin/env python3
"""Generates the OCPP message catalogs of chargemux from the official OCPP JSON schemas.

Usage: python3 scripts/gen-catalog.py [SCHEMA_DIR]

SCHEMA_DIR holds `v16/` (Action.json, ActionResponse.json) and `v201/` (ActionRequest.json,
ActionResponse.json); it defaults to `../shared/ocpp-schemas` relative to the repository root.
Writes Sources/OCPP/Catalog/Catalog+V16Data.swift and Catalog+V201Data.swift, each holding the
condensed catalog as JSON in a Swift raw string literal. Standard library only.

Condensed form (read by OCPPCatalog+Loading.swift):
  catalog  {"version": "1.6", "actions": [action, ...]}
  action   {"name", "direction", "gatewayAnswer" (string or null), "request": object, "response": object}
  object   {"fields": [field, ...], "additionalFields": bool}
  field    {"name", "type": type, "required": bool}
  type     "date-time" | "integer" | "decimal" | "boolean" | "any"
         | {"kind": "string", "maxLength": int (optional), "caseInsensitive": bool}
         | {"kind": "enumeration", "values": [string, ...]}
         | {"kind": "object", "fields": [...], "additionalFields": bool}
         | {"kind": "array", "items": type, "minItems": int (optional), "maxItems": int (optional)}
"""

import hashlib
import json
import os
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTPUT_DIR = os.path.join(REPO_ROOT, "Sources", "OCPP", "Catalog")
LINE_LIMIT = 120

CP, BACKEND, BOTH = "chargePointToBackend", "backendToChargePoint", "both"

V16_CHARGE_POINT = [
    "Authorize", "BootNotification", "DiagnosticsStatusNotification", "FirmwareStatusNotification",
    "Heartbeat", "MeterValues", "StartTransaction", "StatusNotification", "StopTransaction",
    "SignCertificate", "SecurityEventNotification", "LogStatusNotification",
    "SignedFirmwareStatusNotification",
]
V16_BACKEND = [
    "CancelReservation", "ChangeAvailability", "ChangeConfiguration", "ClearCache", "ClearChargingProfile",
    "GetCompositeSchedule", "GetConfiguration", "GetDiagnostics", "GetLocalListVersion",
    "RemoteStartTransaction", "RemoteStopTransaction", "ReserveNow", "Reset", "SendLocalList",
    "SetChargingProfile", "TriggerMessage", "UnlockConnector", "UpdateFirmware", "CertificateSigned",
    "DeleteCertificate", "ExtendedTriggerMessage", "GetInstalledCertificateIds", "GetLog",
    "InstallCertificate", "SignedUpdateFirmware",
]
# The actions of the OCA white paper "Improved security for OCPP 1.6-J". Its data types are plain
# `string[0..n]` (taken over from 2.0.1), not the case-insensitive CiStringNType of OCPP 1.6 itself.
V16_SECURITY_EXTENSION = [
    "SignCertificate", "SecurityEventNotification", "LogStatusNotification", "SignedFirmwareStatusNotification",
    "CertificateSigned", "DeleteCertificate", "ExtendedTriggerMessage", "GetInstalledCertificateIds", "GetLog",
    "InstallCertificate", "SignedUpdateFirmware",
]
V201_CHARGE_POINT = [
    "Authorize", "BootNotification", "ClearedChargingLimit", "FirmwareStatusNotification",
    "Get15118EVCertificate", "GetCertificateStatus", "Heartbeat", "LogStatusNotification", "MeterValues",
    "NotifyChargingLimit", "NotifyCustomerInformation", "NotifyDisplayMessages", "NotifyEVChargingNeeds",
    "NotifyEVChargingSchedule", "NotifyEvent", "NotifyMonitoringReport", "NotifyReport",
    "PublishFirmwareStatusNotification", "ReportChargingProfiles", "ReservationStatusUpdate",
    "SecurityEventNotification", "SignCertificate", "StatusNotification", "TransactionEvent",
]
V201_BACKEND = [
    "CancelReservation", "CertificateSigned", "ChangeAvailability", "ClearCache", "ClearChargingProfile",
    "ClearDisplayMessage", "ClearVariableMonitoring", "CostUpdated", "CustomerInformation", "DeleteCertificate",
    "GetBaseReport", "GetChargingProfiles", "GetCompositeSchedule", "GetDisplayMessages",
    "GetInstalledCertificateIds", "GetLocalListVersion", "GetLog", "GetMonitoringReport", "GetReport",
    "GetTransactionStatus", "GetVariables", "InstallCertificate", "PublishFirmware", "RequestStartTransaction",
    "RequestStopTransaction", "ReserveNow", "Reset", "SendLocalList", "SetChargingProfile", "SetDisplayMessage",
    "SetMonitoringBase", "SetMonitoringLevel", "SetNetworkProfile", "SetVariableMonitoring", "SetVariables",
    "TriggerMessage", "UnlockConnector", "UnpublishFirmware", "UpdateFirmware",
]
BOTH_WAYS = ["DataTransfer"]

# Charge-point calls only a backend can answer even though their response needs no member.
BACKEND_ONLY_ANSWERS = {"StartTransaction", "StopTransaction", "TransactionEvent", "DataTransfer", "Authorize"}

VERSIONS = {
    "v16": {
        "version": "1.6", "swift_name": "v16", "file": "Catalog+V16Data.swift", "count": 39,
        "cp": V16_CHARGE_POINT, "backend": V16_BACKEND, "counts": (13, 25, 1),
    },
    "v201": {
        "version": "2.0.1", "swift_name": "v201", "file": "Catalog+V201Data.swift", "count": 64,
        "cp": V201_CHARGE_POINT, "backend": V201_BACKEND, "counts": (24, 39, 1),
    },
}


class SchemaError(Exception):
    pass


def fail(message):
    raise SchemaError(message)


def action_files(directory, folder):
    """Maps each action name to its (request file, response file)."""
    names = sorted(n for n in os.listdir(directory) if n.endswith(".json"))
    responses = {n[: -len("Response.json")] for n in names if n.endswith("Response.json")}
    files = {}
    for name in names:
        if name.endswith("Response.json"):
            continue
        stem = name[: -len(".json")]
        action = stem[: -len("Request")] if folder == "v201" else stem
        if folder == "v201" and not stem.endswith("Request"):
            fail(f"{folder}/{name}: a 2.0.1 request schema must be named ActionRequest.json")
        if action not in responses:
            fail(f"{folder}/{name}: no {action}Response.json")
        files[action] = (os.path.join(directory, name), os.path.join(directory, action + "Response.json"))
    if len(files) * 2 != len(names):
        orphans = sorted(responses - set(files))
        fail(f"{folder}: response schemas without a request schema: {orphans}")
    return files


class Condenser:
    """Turns one schema document into the condensed tree, inlining `#/definitions/...` references."""

    def __init__(self, document, origin, version, security_extension):
        self.definitions = document.get("definitions", {})
        self.origin = origin
        self.version = version
        self.security_extension = security_extension
        self.id_tokens_marked = 0

    def resolve(self, node, stack):
        definition = None
        while "$ref" in node:
            ref = node["$ref"]
            prefix = "#/definitions/"
            if not ref.startswith(prefix):
                fail(f"{self.origin}: unsupported $ref {ref}")
            definition = ref[len(prefix):]
            if definition in stack:
                fail(f"{self.origin}: recursive definition {' -> '.join(stack + [definition])}")
            if definition not in self.definitions:
                fail(f"{self.origin}: dangling $ref {ref}")
            if len(node) > 1:
                fail(f"{self.origin}: $ref {ref} has sibling keywords {sorted(node)}")
            node = self.definitions[definition]
            stack = stack + [definition]
        return node, definition, stack

    def object(self, node, where, definition, stack):
        if node.get("type") != "object":
            fail(f"{self.origin}: {where or 'the root'} is not an object schema")
        properties = node.get("properties", {})
        required = node.get("required", [])
        for name in required:
            if name not in properties:
                fail(f"{self.origin}: {where or 'the root'} requires {name}, which it does not define")
        additional = node.get("additionalProperties", True)
        if not isinstance(additional, bool):
            fail(f"{self.origin}: {where}: additionalProperties must be a boolean")
        fields = []
        for name, child in properties.items():
            path = f"{where}.{name}" if where else name
            id_token = self.version == "2.0.1" and definition == "IdTokenType" and name == "idToken"
            fields.append({
                "name": name,
                "type": self.type(child, path, stack, id_token),
                "required": name in required,
            })
        return {"fields": fields, "additionalFields": additional}

    def type(self, node, where, stack, id_token=False):
        node, definition, stack = self.resolve(node, stack)
        kind = node.get("type")
        if kind is None:
            if set(node) - {"description"}:
                fail(f"{self.origin}: {where}: untyped schema with keywords {sorted(node)}")
            return "any"
        if kind == "object":
            return {"kind": "object", **self.object(node, where, definition, stack)}
        if kind == "array":
            items = node.get("items")
            if not isinstance(items, dict):
                fail(f"{self.origin}: {where}: array items must be one schema")
            result = {"kind": "array", "items": self.type(items, where, stack)}
            for key in ("minItems", "maxItems"):
                if key in node:
                    result[key] = node[key]
            return result
        if kind == "string":
            if "enum" in node:
                values = node["enum"]
                if not values or len(set(values)) != len(values) or not all(isinstance(v, str) for v in values):
                    fail(f"{self.origin}: {where}: bad enumeration {values}")
                return {"kind": "enumeration", "values": values}
            if node.get("format") == "date-time":
                return "date-time"
            result = {"kind": "string"}
            if "maxLength" in node:
                result["maxLength"] = node["maxLength"]
            if self.version == "1.6":
                ci = "maxLength" in node and not self.security_extension
            else:
                ci = id_token
            if id_token:
                self.id_tokens_marked += 1
            result["caseInsensitive"] = ci
            return result
        if "enum" in node:
            fail(f"{self.origin}: {where}: enumeration of type {kind}")
        if kind == "integer":
            return "integer"
        if kind == "number":
            return "decimal"
        if kind == "boolean":
            return "boolean"
        fail(f"{self.origin}: {where}: unsupported type {kind!r}")


def condense(path, version, security_extension):
    with open(path, encoding="utf-8") as handle:
        document = json.load(handle)
    origin = os.path.relpath(path, os.path.dirname(os.path.dirname(path)))
    condenser = Condenser(document, origin, version, security_extension)
    schema = condenser.object(document, "", None, [])
    return schema, condenser.id_tokens_marked


def direction_of(action, spec, folder):
    cp, backend = set(spec["cp"]), set(spec["backend"])
    if len(cp) != len(spec["cp"]) or len(backend) != len(spec["backend"]):
        fail(f"{folder}: duplicate names in the direction lists")
    if cp & backend or (cp | backend) & set(BOTH_WAYS):
        fail(f"{folder}: an action is in two direction lists")
    if action in BOTH_WAYS:
        return BOTH
    if action in cp:
        return CP
    if action in backend:
        return BACKEND
    fail(f"{folder}: action {action} is not classified as charge point or backend; add it to a direction list")


def gateway_answer(action, direction, response):
    if action == "Heartbeat":
        return "heartbeat"
    if action == "BootNotification":
        return "bootNotification"
    if direction != CP or action in BACKEND_ONLY_ANSWERS:
        return None
    if any(field["required"] for field in response["fields"]):
        return None
    return "empty"


def build_catalog(schema_dir, folder, spec):
    directory = os.path.join(schema_dir, folder)
    if not os.path.isdir(directory):
        fail(f"no schema folder {directory}")
    files = action_files(directory, folder)
    if len(files) != spec["count"]:
        fail(f"{folder}: {len(files)} actions in the schemas, expected {spec['count']}")
    listed = set(spec["cp"]) | set(spec["backend"]) | set(BOTH_WAYS)
    missing = sorted(listed - set(files))
    if missing:
        fail(f"{folder}: classified actions without a schema: {missing}")
    expected_cp, expected_backend, expected_both = spec["counts"]
    if (len(spec["cp"]), len(spec["backend"]), len(BOTH_WAYS)) != (expected_cp, expected_backend, expected_both):
        fail(f"{folder}: direction lists have {len(spec['cp'])}/{len(spec['backend'])}/{len(BOTH_WAYS)} "
             f"actions, expected {expected_cp}/{expected_backend}/{expected_both}")
    version = spec["version"]
    actions = []
    id_tokens = 0
    digest = hashlib.sha256()
    for action in sorted(files):
        request_path, response_path = files[action]
        for path in (request_path, response_path):
            with open(path, "rb") as handle:
                digest.update(os.path.basename(path).encode() + b"\0" + handle.read())
        security = version == "1.6" and action in V16_SECURITY_EXTENSION
        if version == "1.6":
            with open(request_path, encoding="utf-8") as handle:
                has_id = "$id" in json.load(handle)
            if has_id != security:
                fail(f"{folder}/{action}: the security-extension list disagrees with the schema's $id")
        direction = direction_of(action, spec, folder)
        request, marked_request = condense(request_path, version, security)
        response, marked_response = condense(response_path, version, security)
        id_tokens += marked_request + marked_response
        actions.append({
            "name": action,
            "direction": direction,
            "gatewayAnswer": gateway_answer(action, direction, response),
            "request": request,
            "response": response,
        })
    if version == "2.0.1" and id_tokens == 0:
        fail(f"{folder}: no IdTokenType.idToken found to mark case-insensitive")
    return {"version": version, "actions": actions}, digest.hexdigest(), len(files) * 2


def tokens(value):
    """The JSON tokens of `value`, compact."""
    if isinstance(value, dict):
        yield "{"
        for index, (key, member) in enumerate(value.items()):
            if index:
                yield ","
            yield json.dumps(key) + ":"
            yield from tokens(member)
        yield "}"
    elif isinstance(value, list):
        yield "["
        for index, element in enumerate(value):
            if index:
                yield ","
            yield from tokens(element)
        yield "]"
    else:
        yield json.dumps(value, ensure_ascii=True)


def wrapped_json(value, limit):
    """Compact JSON broken into lines of at most `limit` characters between tokens."""
    lines, line = [], ""
    for token in tokens(value):
        if line and len(line) + len(token) > limit:
            lines.append(line)
            line = ""
        line += token
    lines.append(line)
    return lines


def swift_file(spec, catalog, digest, file_count):
    body = "\n".join(wrapped_json(catalog, LINE_LIMIT))
    if '"#' in body or "\\#" in body:
        fail("the catalog text contains `\"#` or `\\#`, which would break the Swift raw string literal")
    name = spec["swift_name"]
    return (
        f"// GENERATED FILE: do not edit. Regenerate with `python3 scripts/gen-catalog.py [SCHEMA_DIR]`\n"
        f"// (default SCHEMA_DIR: ../shared/ocpp-schemas) from the OCPP {catalog['version']} JSON schemas:\n"
        f"// {file_count} files, sha256 {digest[:16]}. Condensed form: see the script. Loaded by\n"
        f"// OCPPCatalog+Loading.swift.\n"
        f"\n"
        f"extension OCPPCatalog {{\n"
        f"    /// The OCPP {catalog['version']} catalog as condensed JSON, generated from the official schemas.\n"
        f"    static let {name}Source = #\"\"\"\n"
        f"{body}\n"
        f"\"\"\"#\n"
        f"}}\n"
    )


def main(argv):
    if len(argv) > 2 or (len(argv) == 2 and argv[1] in ("-h", "--help")):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    schema_dir = argv[1] if len(argv) == 2 else os.path.join(REPO_ROOT, "..", "shared", "ocpp-schemas")
    schema_dir = os.path.normpath(os.path.abspath(schema_dir))
    try:
        outputs = []
        for folder, spec in VERSIONS.items():
            catalog, digest, file_count = build_catalog(schema_dir, folder, spec)
            outputs.append((spec, swift_file(spec, catalog, digest, file_count), len(catalog["actions"])))
    except SchemaError as error:
        print(f"gen-catalog: error: {error}", file=sys.stderr)
        return 1
    for spec, text, count in outputs:
        target = os.path.join(OUTPUT_DIR, spec["file"])
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(text)
        print(f"gen-catalog: wrote {os.path.relpath(target, REPO_ROOT)} ({count} actions, {len(text)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

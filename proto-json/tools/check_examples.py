#!/usr/bin/env python3
"""Checks proto-json/examples against the .proto files with protobuf's own JSON codec.

For every service method: both example files exist; each parses strictly (unknown keys, wrong
types and bad timestamps fail) into the method's request/response message; and each is already
in canonical form (json.loads(file) == MessageToDict(parsed)): lowerCamelCase keys, defaults
omitted, 64-bit integers as strings, UTC timestamps.
Needs protoc and PyPI `protobuf`. Usage: python3 proto-json/tools/check_examples.py
"""
import json
import pathlib
import subprocess
import sys
import tempfile

from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

root = pathlib.Path(__file__).resolve().parent.parent
protos = sorted(str(p) for p in (root / "cnm" / "v1").glob("*.proto"))
with tempfile.TemporaryDirectory() as tmp:
    out = pathlib.Path(tmp) / "cnm.pb"
    subprocess.run(["protoc", "-I", str(root), "--include_imports", f"--descriptor_set_out={out}", *protos],
                   check=True)
    fds = descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())
pool = descriptor_pool.DescriptorPool()
for f in fds.file:
    pool.Add(f)

failures = []
checked = 0
expected = set()
for f in fds.file:
    if not f.package == "cnm.v1":
        continue
    for service in f.service:
        for method in service.method:
            for kind, type_name in (("request", method.input_type), ("response", method.output_type)):
                path = root / "examples" / service.name / f"{method.name}.{kind}.json"
                expected.add(path)
                if not path.exists():
                    failures.append(f"missing {path.relative_to(root)}")
                    continue
                cls = message_factory.GetMessageClass(pool.FindMessageTypeByName(type_name.lstrip(".")))
                body = path.read_text()
                try:
                    msg = json_format.Parse(body, cls(), ignore_unknown_fields=False)
                except json_format.ParseError as error:
                    failures.append(f"{path.relative_to(root)}: {error}")
                    continue
                canonical = json_format.MessageToDict(msg)
                if json.loads(body) != canonical:
                    failures.append(f"{path.relative_to(root)}: not canonical; expected {json.dumps(canonical)}")
                checked += 1
extra = set((root / "examples").rglob("*.json")) - expected
failures += [f"example for no method: {p.relative_to(root)}" for p in sorted(extra)]
for failure in failures:
    print(failure, file=sys.stderr)
print(f"checked {checked} examples, {len(failures)} problems")
sys.exit(1 if failures else 0)

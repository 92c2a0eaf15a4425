#!/usr/bin/env python3
"""Checks a Gongdao case bundle with nothing but Python's standard library
and the openssl command (for the Ed25519 signature): the same rules as
gongdao-verify-bundle, written out a second time so anyone can read them.

    python3 verify_bundle.py BUNDLE.zip PUBLIC_KEY.pem

Prints OK or the first thing that does not match; exit code 0 or 1.
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import zipfile

GENESIS = "0" * 64


def sha256(b):
    return hashlib.sha256(b).hexdigest()


def entry_hash(case_id, e, body_part):
    parts = [] if e["hash_scheme"] == 1 else ["gongdao-trail-2"]
    parts += [e["prev_hash"], str(case_id), str(e["seq"]), e["at"],
              "" if e["actor_id"] is None else str(e["actor_id"]),
              e["actor_role"], e["kind"], body_part]
    return sha256(b"".join(p.encode() + b"\0" for p in parts))


def check(path, key_pem):
    z = zipfile.ZipFile(path)
    manifest = z.read("manifest.txt")
    lines = manifest.decode().split("\n")
    case_id = int(lines[1].split(" ")[2])
    length, head = lines[3].split(" ")[1:]
    evidence = [l.split(" ")[1:] for l in lines if l.startswith("evidence ")]
    prev = GENESIS
    entries = json.loads(z.read("trail.json"))
    for i, e in enumerate(entries, 1):
        if e["seq"] != i:
            return f"entry {i} missing: entry {e['seq']} follows entry {i - 1}"
        if e["prev_hash"] != prev:
            return f"entry {i}: its previous hash is not entry {i - 1}'s hash"
        body = e.get("body")
        if e["hash_scheme"] == 2:
            part = (sha256(e["body_salt"].encode() + b"\0" + body.encode())
                    if body is not None else e["body_commitment"])
        else:
            part = body
        if part is not None and entry_hash(case_id, e, part) != e["hash"]:
            return f"entry {i}: hash does not match its content (body edited?)"
        prev = e["hash"]
    if len(entries) != int(length) or prev != head:
        return f"the trail ({len(entries)} entries, head {prev}) is not the signed one ({length}, {head})"
    for sha, size, name in evidence:
        got = sha256(z.read(name))
        if got != sha:
            return f"evidence {name[len('evidence/'):]}: SHA-256 {got} expected {sha}"
    facts = lines[2].split(" ")[1]
    if sha256(z.read("case.json")) != facts:
        return "case.json: SHA-256 does not match the manifest"
    with tempfile.TemporaryDirectory() as d:
        for name in ("manifest.txt", "manifest.sig"):
            with open(os.path.join(d, name), "wb") as f:
                f.write(z.read(name))
        r = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", key_pem, "-rawin",
                            "-in", os.path.join(d, "manifest.txt"),
                            "-sigfile", os.path.join(d, "manifest.sig")], capture_output=True)
        if r.returncode != 0:
            return f"signature does not verify with key {key_pem}"
    return None


if __name__ == "__main__":
    problem = check(sys.argv[1], sys.argv[2])
    print(f"FAILED: {problem}" if problem else "OK")
    sys.exit(1 if problem else 0)

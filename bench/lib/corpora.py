"""Corpora made with `hunt generate` (deterministic), cached under bench/out/corpora when asked.

A cached corpus is reused only while its options and the generator's sources are unchanged: the
cache key holds both (a hash of Sources/HuntDB/Generate and Sources/hunt/GenerateCommand.swift).
"""

import hashlib
import json
import os
import re
import subprocess
from pathlib import Path

from .proc import run_timed

EXTENSIONS = {"sysmon-flat": "ndjson", "winlogbeat": "ndjson", "ecs": "ndjson",
              "evtx-json": "ndjson", "xml": "xml", "evtx": "evtx"}


def generator_dialects(hunt):
    """The dialects `hunt generate --help` offers (evtx appears once the generator has it)."""
    text = subprocess.run([hunt, "generate", "--help"], capture_output=True, text=True).stdout
    m = re.search(r"--dialect <([a-z|\-]+)>", text)
    return m.group(1).split("|") if m else ["sysmon-flat"]


def generator_fingerprint(repo):
    h = hashlib.sha256()
    roots = [repo / "Sources/HuntDB/Generate", repo / "Sources/hunt/GenerateCommand.swift"]
    for root in roots:
        files = sorted(root.rglob("*.swift")) if root.is_dir() else [root]
        for f in files:
            if f.exists():
                h.update(str(f.relative_to(repo)).encode())
                h.update(f.read_bytes())
    return h.hexdigest()[:16]


def parse_count(text):
    """'1m' -> 1000000, '100k' -> 100000, '2500' -> 2500."""
    text = str(text).lower()
    mult = {"k": 1000, "m": 1000000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * mult)


def count_label(n):
    if n % 1000000 == 0:
        return f"{n // 1000000}M"
    if n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


class Corpora:
    def __init__(self, hunt, repo, out_dir):
        self.hunt = hunt
        self.dir = Path(out_dir) / "corpora"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.fingerprint = generator_fingerprint(Path(repo))
        self.generated = []   # (name, seconds, bytes) of corpora generated in this run

    def path_for(self, dialect, events, irrelevant_ratio=0.0, gzip=False, seed=1):
        ext = EXTENSIONS.get(dialect, "dat") + (".gz" if gzip else "")
        irr = f"-irr{int(round(irrelevant_ratio * 100))}" if irrelevant_ratio else ""
        return self.dir / f"{dialect}-{count_label(events)}{irr}-s{seed}.{ext}"

    def generate(self, dialect, events, irrelevant_ratio=0.0, gzip=False, seed=1, cache=False):
        """Returns the path of the corpus, generating it unless a matching cached copy exists."""
        path = self.path_for(dialect, events, irrelevant_ratio, gzip, seed)
        key_path = Path(str(path) + ".key")
        args = ["generate", "--dialect", dialect, "--events", str(events), "--seed", str(seed),
                "--irrelevant-ratio", str(irrelevant_ratio), "--quiet", "--output", str(path)]
        if gzip:
            args.append("--gzip")
        key = json.dumps({"args": args, "generator": self.fingerprint})
        if path.exists() and key_path.exists() and key_path.read_text() == key:
            return path
        if key_path.exists():
            key_path.unlink()
        t = run_timed([self.hunt] + args)
        self.generated.append({"corpus": path.name, "seconds": round(t.seconds, 2),
                               "bytes": path.stat().st_size})
        if cache:
            key_path.write_text(key)
        return path

    def discard(self, path):
        """Deletes a corpus that is not cached (keeps disk use to one corpus at a time)."""
        key_path = Path(str(path) + ".key")
        if not key_path.exists() and Path(path).exists():
            os.remove(path)

#!/usr/bin/env python3
"""Aggregates `jfr print --events jdk.ExecutionSample --stack-depth N` output: top self frames,
and the share of samples with a given class/method on the stack (inclusive)."""
import sys, re, collections
text = open(sys.argv[1]).read()
top = int(sys.argv[2]) if len(sys.argv) > 2 else 30
samples = []
for block in text.split("jdk.ExecutionSample")[1:]:
    m = re.search(r"stackTrace = \[(.*?)\n\s*\]", block, re.S)
    if not m: continue
    frames = []
    for line in m.group(1).splitlines():
        line = line.strip()
        if not line or line == "...": continue
        f = re.sub(r"\s+line:.*$", "", line)
        f = re.sub(r"\(.*\)$", "", f)
        frames.append(f)
    if frames: samples.append(frames)
# keep only samples in the check/analyse work (the harness's main thread)
only = [s for s in samples if any("CheckedRuns" in f or "Report." in f for f in s)]
n = len(only)
print(f"samples: {len(samples)}, in check+analyse+write: {n}")
self_ = collections.Counter(s[0] for s in only)
print("\nTop frames by self time:")
for f, c in self_.most_common(top):
    print(f"  {100*c/n:5.1f}%  {f}")
incl = collections.Counter()
for s in only:
    for f in set(s): incl[f] += 1
print("\nOn stack (inclusive), quorumlab frames:")
for f, c in incl.most_common(400):
    if f.startswith("quorumlab") and 100*c/n >= 1.0:
        print(f"  {100*c/n:5.1f}%  {f}")

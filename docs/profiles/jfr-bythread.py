#!/usr/bin/env python3
"""Aggregates `jfr print --events jdk.ExecutionSample --stack-depth N` output per thread: top self frames
and quorumlab frames on the stack, as shares of that thread's samples. Usage: jfr-bythread.py FILE [TOP]"""
import sys, re, collections
text = open(sys.argv[1]).read()
top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
by = collections.defaultdict(list)
for block in text.split("jdk.ExecutionSample")[1:]:
    t = re.search(r'sampledThread = "([^"]*)"', block)
    m = re.search(r"stackTrace = \[(.*?)\n\s*\]", block, re.S)
    if not m or not t: continue
    frames = []
    for line in m.group(1).splitlines():
        line = line.strip()
        if not line or line == "...": continue
        f = re.sub(r"\s+line:.*$", "", line); f = re.sub(r"\(.*\)$", "", f)
        frames.append(f)
    name = re.sub(r" \S+$", "", t.group(1)) if t.group(1).startswith("trace") else t.group(1)
    by[name].append(frames)
tot = sum(len(v) for v in by.values())
for name, ss in sorted(by.items(), key=lambda kv: -len(kv[1])):
    print(f"== thread {name}: {len(ss)} samples ({100*len(ss)/tot:.1f}%)")
    c = collections.Counter(s[0] for s in ss)
    for f, k in c.most_common(top): print(f"   {100*k/len(ss):5.1f}%  {f}")
    incl = collections.Counter()
    for s in ss:
        for f in set(s): incl[f] += 1
    print("   -- on stack (quorumlab):")
    for f, k in incl.most_common(80):
        if f.startswith("quorumlab") and 100*k/len(ss) >= 2: print(f"   {100*k/len(ss):5.1f}%  {f}")

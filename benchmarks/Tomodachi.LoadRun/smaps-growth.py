#!/usr/bin/env python3
"""Where a process's resident memory grows: two readings of /proc/<pid>/smaps, SECONDS apart, grouped by kind.

    benchmarks/Tomodachi.LoadRun/smaps-growth.py <pid> [seconds=120]

Kinds: the GC heap (the runtime reserves its regions as one huge anonymous range and commits inside it), glibc malloc
arenas (64 MiB-aligned heaps of 64 MiB), the brk heap, the JIT's double-mapped code, files (assemblies, native
libraries) and other anonymous memory (thread stacks, loader heaps). Mappings come and go between readings, so the
comparison is by kind, not by address.
"""
import sys
import time
from collections import defaultdict

GC_RESERVATION = 8 << 30
ARENA = 64 << 20


def mappings(pid):
    found = []
    with open(f"/proc/{pid}/smaps") as smaps:
        for line in smaps:
            fields = line.split()
            if "-" in fields[0] and not fields[0].endswith(":"):
                start, end = (int(x, 16) for x in fields[0].split("-"))
                found.append({"start": start, "end": end, "name": fields[5] if len(fields) > 5 else "", "rss": 0})
            elif fields[0] == "Rss:":
                found[-1]["rss"] = int(fields[1])
    return sorted(found, key=lambda m: m["start"])


def kind_of_anonymous_run(run):
    size = run[-1]["end"] - run[0]["start"]
    if size >= GC_RESERVATION:
        return "GC heap (regions)"
    if size % ARENA == 0 and run[0]["start"] % ARENA == 0:
        return "malloc arenas"
    return "other anonymous (stacks, loader heaps)"


def by_kind(pid):
    kinds = defaultdict(int)
    maps = mappings(pid)
    i = 0
    while i < len(maps):
        name = maps[i]["name"]
        if name:
            kind = ("brk heap" if name == "[heap]" else "JIT code (double-mapped)" if "doublemapper" in name
                    else "files" if name.startswith("/") else "other " + name)
            kinds[kind] += maps[i]["rss"]
            i += 1
            continue
        # An anonymous run: contiguous nameless mappings (committed parts and the reserve around them).
        j = i
        while j + 1 < len(maps) and not maps[j + 1]["name"] and maps[j + 1]["start"] == maps[j]["end"]:
            j += 1
        run = maps[i:j + 1]
        kinds[kind_of_anonymous_run(run)] += sum(m["rss"] for m in run)
        i = j + 1
    return kinds


def main():
    pid = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 120
    before = by_kind(pid)
    time.sleep(seconds)
    after = by_kind(pid)
    # Largest growth first; kinds under 100 KiB both times (vdso, vsyscall...) are left out.
    kinds = [k for k in set(before) | set(after) if max(before[k], after[k]) >= 100]
    for kind in sorted(kinds, key=lambda k: before[k] - after[k]):
        print(f"{kind:42s} {before[kind] / 1024:8.1f} -> {after[kind] / 1024:8.1f} MiB ({(after[kind] - before[kind]) / 1024:+.1f})")


if __name__ == "__main__":
    main()

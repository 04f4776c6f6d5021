#!/usr/bin/env python3
"""CPU seconds per thread group of a command and its child processes (issue 27's breakdown: JIT and GC time).

Runs CMD, samples /proc/PID/task/TID/stat of it and of every descendant every INTERVAL seconds, keeps each thread's
last user + system time, and prints the sum per group of thread names, largest first, then the process total as
the kernel reports it for the reaped children (getrusage), which also counts what the sampling missed: a thread that
ends within INTERVAL of its last sample loses at most that much.

The JVM names its threads, so the groups say where the time goes: "C2 CompilerThre" and "C1 CompilerThre" are the
JIT, "VM Thread" runs the serial collector's pauses (and other safepoint work), "main" is the parser, planner and
tar framing, "ocisquash-prefe" the per-layer read, inflate and verify threads, "ocisquash-gzip" the compressor
pool, "ocisquash-layer" the output hand-off. Linux keeps 15 characters of a thread's name.

Usage: threadcpu.py [--interval S] CMD [ARGS...]   (the report goes to stderr; CMD's output is left alone)
"""
import os
import re
import resource
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def stat_fields(path):
    with open(path) as f:
        s = f.read()
    # comm may hold spaces and parentheses: split after the last ')'
    head, rest = s.rsplit(")", 1)
    return head.split("(", 1)[1], rest.split()


def descendants(root):
    kids = {}
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                _, f = stat_fields("/proc/%s/stat" % p)
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(int(f[1]), []).append(int(p))
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def group(name):
    # per-layer and per-worker suffixes ("ocisquash-gzip-3", "pool-1-thread-2") fold into one group
    return re.sub(r"[-#]?\d+$", "", name.strip()) or name


def main(argv):
    interval = 0.05
    if len(argv) > 2 and argv[1] == "--interval":
        interval = float(argv[2])
        argv = argv[2:]
    cmd = argv[1:]
    if not cmd:
        sys.exit(__doc__)
    proc = subprocess.Popen(cmd)
    last = {}
    while proc.poll() is None:
        for pid in descendants(proc.pid):
            try:
                tids = os.listdir("/proc/%d/task" % pid)
            except OSError:
                continue
            for tid in tids:
                try:
                    comm, f = stat_fields("/proc/%d/task/%s/stat" % (pid, tid))
                except (OSError, IndexError, ValueError):
                    continue
                # fields after comm: state is f[0]; utime and stime are stat fields 14 and 15
                last[(pid, tid)] = (comm, (int(f[11]) + int(f[12])) / TICK)
        time.sleep(interval)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    groups = {}
    for comm, cpu in last.values():
        g = group(comm)
        groups[g] = groups.get(g, 0.0) + cpu
    sampled = sum(groups.values())
    total = usage.ru_utime + usage.ru_stime
    print("== CPU seconds per thread group (sampled every %.2f s)" % interval, file=sys.stderr)
    for g, cpu in sorted(groups.items(), key=lambda kv: -kv[1]):
        if cpu >= 0.005:
            print("  %7.2f s  %5.1f %%  %s" % (cpu, 100.0 * cpu / max(total, 1e-9), g), file=sys.stderr)
    print("  %7.2f s  sampled, of %.2f s for the whole process tree (getrusage)" % (sampled, total), file=sys.stderr)
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""A quick side by side of the service and the FastAPI peer: the same wrk script (bench/wrk/chat.lua), the same
data, one PostgreSQL; throughput, p50/p99 and CPU seconds per request of each tier and of PostgreSQL (from /proc).
measure.sh sets up the stack and runs this; the two sides of one operation run back to back, so the noise of the
machine hits both.

    python3 measure.py --root REPO --work DIR --dsn-port PG_PORT --service URL SERVICE_PID --peer URL PEER_PID
                       [--ops append,read] [--connections 16] [--seconds 10]
"""
import argparse
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from correctness import token  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def ticks(pid: int) -> int:
    """utime + stime of a process and of its reaped children (cutime/cstime), in clock ticks."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return sum(int(x) for x in fields[11:15])
    except (FileNotFoundError, ProcessLookupError):
        return 0


def tree(pid: int):
    """pid and all its descendants (uvicorn's workers are children of its supervisor; PostgreSQL's backends of the postmaster)."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (FileNotFoundError, ProcessLookupError, ValueError):
                pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def tree_ticks(pid: int) -> int:
    return sum(ticks(p) for p in tree(pid))


def postmaster_pid(work: str) -> int:
    with open(os.path.join(work, "pg", "postmaster.pid")) as f:
        return int(f.readline())


def write_inputs(root: str, work: str, port: int, secret: str):
    """The files chat.lua reads: sessions (id, owner), users (id, token), request bodies (as bench/src/DataLoader.java)."""
    out = os.path.join(work, "wrk")
    os.makedirs(out, exist_ok=True)
    rows = subprocess.run(
        ["psql", "-At", "-F", " ", "-h", "127.0.0.1", "-p", str(port), "-U", "bench", "-d", "chat_check", "-c",
         "SELECT id, user_id FROM chat.sessions WHERE user_id ~ '^user-[0-9]+$' AND NOT archived"
         " AND substring(user_id FROM 6)::int <= (SELECT count(DISTINCT user_id) - 3 FROM chat.sessions)"
         " ORDER BY id"], check=True, capture_output=True, text=True).stdout.split("\n")
    sessions = [r for r in rows if r.strip()]
    with open(os.path.join(out, "sessions.txt"), "w") as f:
        f.write("\n".join(sessions) + "\n")
    users = sorted({r.split()[1] for r in sessions})
    with open(os.path.join(out, "users.txt"), "w") as f:
        for u in users:
            f.write(f"{u} {token(secret, u, 86400)}\n")
    props = {}
    with open(os.path.join(root, "bench", "payload", "turn.properties"), encoding="utf-8") as f:
        for line in f:
            if "=" in line and not line.startswith("#"):
                k, v = line.rstrip("\n").split("=", 1)
                props[k] = v
    user = {"role": "user", "content": props["user.content"], "metadata": json.loads(props["user.metadata"])}
    answer = {"role": "assistant", "content": props["assistant.content"], "sources": json.loads(props["assistant.sources"]),
              "latency_ms": int(props["assistant.latency_ms"]), "top_k": int(props["assistant.top_k"]),
              "query_type": props["assistant.query_type"], "metadata": json.loads(props["assistant.metadata"])}
    with open(os.path.join(out, "append_one.json"), "w", encoding="utf-8") as f:
        json.dump(user, f, ensure_ascii=False)
    with open(os.path.join(out, "append_batch.json"), "w", encoding="utf-8") as f:
        json.dump({"messages": [user, answer]}, f, ensure_ascii=False)
    return out, len(sessions), len(users)


def wrk(root, inputs, url, op, connections, seconds):
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", os.path.join(root, "bench", "wrk", "chat.lua"),
           url, "--", op, os.path.join(inputs, "sessions.txt"), os.path.join(inputs, "users.txt"), inputs]
    text = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    line = next(l for l in text.splitlines() if l.startswith("BENCH_WRK "))
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--root", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--pg-port", type=int, required=True)
    p.add_argument("--secret", required=True)
    p.add_argument("--service", nargs=2, metavar=("URL", "PID"), required=True)
    p.add_argument("--peer", nargs=2, metavar=("URL", "PID"), required=True)
    p.add_argument("--peer-workers", type=int, required=True)
    p.add_argument("--ops", default="append,read")
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--seconds", type=int, default=10)
    p.add_argument("--warmup", type=int, default=5)
    a = p.parse_args()
    inputs, n_sessions, n_users = write_inputs(a.root, a.work, a.pg_port, a.secret)
    pg = postmaster_pid(a.work)
    sides = [("service", a.service[0], int(a.service[1])), (f"peer ({a.peer_workers} workers)", a.peer[0], int(a.peer[1]))]
    print(f"wrk -t2 -c{a.connections} -d{a.seconds}s, {n_sessions} sessions of {n_users} users; CPU from /proc "
          f"(the tier's processes and children; PostgreSQL: the postmaster's tree); {os.cpu_count()} CPUs shared by all")
    for _, url, _ in sides:  # warm both (the JIT; the peer's prepared statements) before anything counts
        for op in a.ops.split(","):
            wrk(a.root, inputs, url, op, a.connections, a.warmup)
    rows = []
    for op in a.ops.split(","):
        for name, url, pid in sides:
            t0, pg0 = tree_ticks(pid), tree_ticks(pg)
            r = wrk(a.root, inputs, url, op, a.connections, a.seconds)
            t1, pg1 = tree_ticks(pid), tree_ticks(pg)
            n = r["requests"]
            errors = r["connect"] + r["read"] + r["write"] + r["status"] + r["timeout"]
            rows.append((op, name, n / (r["duration_us"] / 1e6), r["p50_us"] / 1000, r["p99_us"] / 1000,
                         (t1 - t0) / TICK / n * 1e3 if n else float("nan"), (pg1 - pg0) / TICK / n * 1e3 if n else float("nan"),
                         errors, r["bytes"] / n if n else 0))
    print("| operation | side | req/s | p50 ms | p99 ms | tier CPU ms/req | PostgreSQL CPU ms/req | errors | bytes/resp |")
    print("|---|---|---|---|---|---|---|---|---|")
    for op, name, rps, p50, p99, cpu, pgcpu, errors, size in rows:
        print(f"| {op} | {name} | {rps:.0f} | {p50:.1f} | {p99:.1f} | {cpu:.2f} | {pgcpu:.2f} | {errors} | {size:.0f} |")
    print()
    print("| operation | throughput service/peer | requests per tier CPU-second service/peer | requests per CPU-second of tier + PostgreSQL service/peer | p99 peer/service |")
    print("|---|---|---|---|---|")
    for k in range(0, len(rows), 2):
        s, q = rows[k], rows[k + 1]
        print(f"| {s[0]} | x{s[2] / q[2]:.2f} | x{q[5] / s[5]:.2f} | x{(q[5] + q[6]) / (s[5] + s[6]):.2f} | x{q[4] / s[4]:.2f} |")

if __name__ == "__main__":
    main()

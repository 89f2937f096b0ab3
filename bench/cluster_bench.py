#!/usr/bin/python3
"""Cluster benchmarks of issue 4, run by bench/cluster_bench.sh.

A cluster of N nodes on H simulated hosts (default 100 on 10): the broker and one
brocluster-supervisor per host, each host a loopback address 127.0.0.2.. with a BroBase
of its own under --tmp; the node program is the test suite's brocluster-fake-node (ready at
once, waits for SIGTERM). Layout: host 1 runs the manager and proxy-1, host 2 proxy-2,
the rest are workers (lb_procs) spread so that every host has N/H nodes.

  start   `brocluster start` as a whole one-shot process, from all stopped until it exits
          with every node running (checked with `status` afterwards); --start-runs times.
  stop    `brocluster stop` as a whole one-shot process, until it exits with every node
          stopped; after each start.
  status  `brocluster status` of all N nodes as a whole one-shot process (fork, exec, load
          the configuration, ask every supervisor, print the table); --status-runs times.

The bus is encrypted (the default): the keys are made with `brocluster keygen` in host 1's
BroBase and each other host gets its bundle (docs/SECURITY.md), as a user does.

With --shell NAME=PATH (repeatable) every figure is taken for each of those shells against
the same daemons, the shells alternating run by run (before/after comparisons in one run);
each one's round trips come from its BROCLUSTER_DEBUG_ROUND_TRIPS line (requests sent, and
the waits they were sent in, one after the other).

Prints a Markdown table of the figures (median, min, max) and writes --json. Every wait
has a deadline; every process started is ended; nothing sleeps to synchronise.
"""

import argparse
import json
import os
import re
import shutil
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
            ('StopTimeout', 2), ('StartTimeout', 20), ('CommTimeout', 5),
            ('StartLocalDaemons', 0)])
        for h in range(hosts):
            base = os.path.join(tmp, 'host%d' % (h + 1))
            os.makedirs(os.path.join(base, 'etc'))
            with open(os.path.join(base, 'etc/cluster.cfg'), 'w') as f:
                f.write(cluster_cfg)
            with open(os.path.join(base, 'etc/node.cfg'), 'w') as f:
                f.write(node_cfg)
            self.bases.append(base)

    def make_keys(self):
        """`brocluster keygen` in host 1's BroBase; each other host gets its bundle."""
        r = subprocess.run([os.path.join(self.build, 'shell/brocluster'), '--base', self.bases[0],
                            'keygen'], capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise SystemExit('keygen failed: ' + r.stdout + r.stderr)
        for h, base in enumerate(self.bases[1:], start=1):
            bundle = os.path.join(self.bases[0], 'etc/keys/hosts/127.0.0.%d' % (h + 2))
            shutil.copytree(bundle, os.path.join(base, 'etc/keys'))

    def daemon(self, exe, base, *args):
        r = subprocess.run([os.path.join(self.build, exe), '--base', base, *args],
                           capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            raise SystemExit('%s did not start: %s' % (exe, r.stderr))

    def start_daemons(self):
        self.daemon('broker/brocluster-broker', self.bases[0])
        for h, base in enumerate(self.bases):
            self.daemon('supervisor/brocluster-supervisor', base, '--host', '127.0.0.%d' % (h + 2))

    def shell(self, *args, exe=None, timeout=60):
        env = dict(os.environ, BROCLUSTER_DEBUG_ROUND_TRIPS='1')
        t0 = time.perf_counter()
        r = subprocess.run([exe or os.path.join(self.build, 'shell/brocluster'), '--base',
                            self.bases[0], *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=timeout, env=env)
        return r, time.perf_counter() - t0


def round_trips(r):
    """(requests, waits) from the shell's BROCLUSTER_DEBUG_ROUND_TRIPS line; None without."""
    m = re.search(r'round trips: (\d+) requests in (\d+) waits', r.stderr)
    return (int(m.group(1)), int(m.group(2))) if m else None


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
    ap.add_argument('--shell', action='append', default=[], metavar='NAME=PATH')
    ap.add_argument('--json')
    o = ap.parse_args()
    shells = [tuple(x.split('=', 1)) for x in o.shell] or [
        ('current', os.path.join(o.build, 'shell/brocluster'))]

    c = Cluster(o.build, o.tmp, o.nodes, o.hosts)
    log('%d nodes on %d hosts, ports %d-%d, in %s' % (o.nodes, o.hosts, c.port, c.port + 3, o.tmp))
    c.make_keys()
    c.start_daemons()

    figures = {name: {'start': [], 'stop': [], 'status': [], 'trips': {}} for name, _ in shells}

    def timed(name, exe, cmd, check):
        r, took = c.shell(cmd, exe=exe)
        if r.returncode != 0 or not check(r):
            raise SystemExit('%s %s failed:\n%s%s' % (name, cmd, r.stdout, r.stderr))
        figures[name]['trips'][cmd] = round_trips(r)
        return took

    all_running = lambda r: r.stdout.count(' running ') == o.nodes
    for i in range(o.start_runs):
        for name, exe in shells:
            figures[name]['start'].append(timed(name, exe, 'start', lambda r: True))
            st, _ = c.shell('status', exe=exe)
            if not all_running(st):
                raise SystemExit('not all running after start:\n' + st.stdout)
            figures[name]['stop'].append(timed(name, exe, 'stop', lambda r: True))
            log('%s run %d: start %.0f ms, stop %.0f ms' % (name, i + 1,
                figures[name]['start'][-1] * 1000, figures[name]['stop'][-1] * 1000))

    r, _ = c.shell('start')
    if r.returncode != 0:
        raise SystemExit('start failed:\n' + r.stdout + r.stderr)
    for name, exe in shells:
        c.shell('status', exe=exe)  # warm the page cache for the executable and libraries
    for i in range(o.status_runs):
        for name, exe in shells:
            figures[name]['status'].append(timed(name, exe, 'status', all_running))
    for name, _ in shells:
        log('%s status: %s ms' % (name, ' '.join('%.0f' % (s * 1000)
                                               for s in figures[name]['status'])))
    r, _ = c.shell('stop')
    if r.returncode != 0:
        raise SystemExit('final stop failed:\n' + r.stdout + r.stderr)

    results = {'nodes': o.nodes, 'hosts': o.hosts, 'loadavg': open('/proc/loadavg').read().strip(),
               'shells': {}}
    print('| shell | command | round trips (requests / waits) | median | min | max | runs |')
    print('|---|---|---|---|---|---|---|')
    for name, exe in shells:
        f = figures[name]
        results['shells'][name] = {'path': exe}
        for cmd in ('start', 'status', 'stop'):
            s = summary(f[cmd])
            trips = f['trips'].get(cmd)
            s['requests'], s['waits'] = trips if trips else (None, None)
            results['shells'][name][cmd] = s
            print('| %s | `brocluster %s`, %d nodes / %d hosts | %s | %.1f ms | %.1f ms | %.1f ms | %d |'
                  % (name, cmd, o.nodes, o.hosts,
                     '%d / %d' % trips if trips else 'n/a', s['median_ms'], s['min_ms'],
                     s['max_ms'], s['runs']))
    # The figures of earlier reports, for the first shell.
    results['status'] = results['shells'][shells[0][0]]['status']
    results['start'] = results['shells'][shells[0][0]]['start']
    if o.json:
        with open(o.json, 'w') as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == '__main__':
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())

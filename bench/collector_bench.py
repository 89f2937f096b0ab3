#!/usr/bin/python3
"""Benchmark of crash repair over the bus: brocluster-collector + supervisor + broker.

  repair     N=10 running nodes; kill(2) SIGKILL one (round robin) and time until the
             node_state `running` event of its NEW pid reaches a SUB socket on the broker:
             supervisor reap -> event -> collector (its crash watch, or the bus, whichever
             is first: docs/PROTOCOL.md 3.7) -> start request -> spawn -> ready on fd 3 ->
             event. Nothing but the collector
             restarts it. >= 200 kills (RestartStableTime 0 and a wide storm guard, so
             every kill is a "first" crash restarted at once, as in production).
  hostdown   SIGSTOP the supervisor; time until alert.host-down reaches the SUB socket
             (HostTimeout 3 s, the default); SIGCONT and wait for alert.host-up.

Run:  /usr/bin/python3 bench/collector_bench.py --build build [--quick] [--node bench|fake]
The node program is bench/bench_node.cc unless --node fake (see there why).
Reuses the supervisor benchmark's cluster driver (bench/supervisor_bench.py).
"""

import argparse
import os
import signal
import sys
import tempfile
import time

import zmq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import supervisor_bench as sb  # noqa: E402


class RepairCluster(sb.Cluster):
    def write_config(self):
        super().write_config()
        with open(os.path.join(self.base, 'etc', 'cluster.cfg'), 'a') as f:
            f.write('RestartStableTime = 0\nRestartStormCount = 100000\n'
                    'RestartBackoffInitial = 0\nHostTimeout = 3\n')
        self.alerts = []

    def start_daemons(self):
        super().start_daemons()
        self.collector_pid = self.launch('collector/brocluster-collector', 'collector.pid')
        # Node states and alerts only from here on: the driver is not the system under test,
        # and every stats or crash event it decoded in Python took CPU from the repair it
        # times (2 cores). The broker filters by topic prefix.
        self.sub.setsockopt(zmq.SUBSCRIBE, b'node.')
        self.sub.setsockopt(zmq.SUBSCRIBE, b'alert.')
        self.sub.setsockopt(zmq.UNSUBSCRIBE, b'')

    def on_event(self, t, frames):
        super().on_event(t, frames)
        if len(frames) == 2:
            e = sb.msgpack.unpackb(frames[1], raw=False)
            if e.get('type') == 'alert':
                self.alerts.append((t, e['kind']))

    def shutdown(self):
        try:
            os.kill(self.collector_pid, signal.SIGTERM)
        except (OSError, AttributeError):
            pass
        super().shutdown()


def measure_repair(c, kills, timeout_s=10):
    """Returns (kill -> new pid exec'd, kill -> new pid running, breakdown), the breakdown
    a dict of the steps in between, from the events' publication times (us, the
    supervisor's clock, which is this machine's) and their arrival here."""
    out = []
    execd = []
    steps = {k: [] for k in STEPS + STAMPED}
    for i in range(kills):
        node = c.nodes[i % len(c.nodes)]
        state, pid = c.state[node]
        if state != 'running' or pid <= 0:
            raise RuntimeError('%s is %s before kill %d' % (node, state, i))
        c.pump(0)
        for st in ('crashed', 'initializing', 'running'):
            c.seen.pop((node, st), None)
        t0 = sb.now_ns()
        wall0 = time.time_ns() // 1000
        os.kill(pid, signal.SIGKILL)
        c.wait(lambda: (node, 'running') in c.seen and c.state[node][1] not in (0, pid),
               timeout_s, 'repair of %s (kill %d)' % (node, i))
        out.append(sb.ms(c.seen[(node, 'running')] - t0))
        # `initializing` is published right after the new process has exec'd: the point
        # the peer bench times for runit and s6 ("kill -9 -> new pid exec'd").
        execd.append(sb.ms(c.seen[(node, 'initializing')] - t0))
        pub = {st: c.published[(node, st)] for st in ('crashed', 'initializing', 'running')}
        steps[STEPS[0]].append((pub['crashed'] - wall0) / 1000)
        steps[STEPS[1]].append((pub['initializing'] - pub['crashed']) / 1000)
        steps[STEPS[2]].append((pub['running'] - pub['initializing']) / 1000)
        steps[STEPS[3]].append(sb.ms(c.seen[(node, 'running')] - t0) -
                               (pub['running'] - wall0) / 1000)
        steps[STAMPED[0]].append((pub['initializing'] - wall0) / 1000)
        steps[STAMPED[1]].append((pub['running'] - wall0) / 1000)
    return sb.summary(execd), sb.summary(out), {k: sb.summary(v) for k, v in steps.items()}


STEPS = ('  step: kill -> `crashed` published (supervisor: exit, reap, publish)',
         '  step: `crashed` published -> `initializing` published (watch, collector, start, spawn)',
         '  step: `initializing` -> `running` published (the node starts and says ready)',
         '  step: `running` published -> here (bus)')
# The same two points by the supervisor's own stamps, without the trip to an observer: the
# new pid has exec'd (is running) when the supervisor publishes that it has.
STAMPED = ('kill -9 -> new pid exec\'d, by the supervisor\'s clock (`initializing` published)',
           'kill -9 -> new pid running, by the supervisor\'s clock (`running` published)')


def measure_hostdown(c, trials, timeout_s=15):
    out = []
    for i in range(trials):
        c.alerts.clear()
        t0 = sb.now_ns()
        os.kill(c.sup_pid, signal.SIGSTOP)
        try:
            c.wait(lambda: any(k == 'host-down' for _, k in c.alerts), timeout_s, 'host-down %d' % i)
        finally:
            os.kill(c.sup_pid, signal.SIGCONT)
        t_down = next(t for t, k in c.alerts if k == 'host-down')
        out.append(sb.ms(t_down - t0))
        c.wait(lambda: any(k == 'host-up' for _, k in c.alerts), timeout_s, 'host-up %d' % i)
    return sb.summary(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', required=True)
    ap.add_argument('--quick', action='store_true')
    ap.add_argument('--host', default='127.0.0.1')
    ap.add_argument('--node', choices=('bench', 'fake'), default='bench',
                    help='the node program: bench/bench_node.cc (no C library; the default, '
                         'so that the figure is the control plane\'s) or the test suite\'s '
                         'fake node (glibc, static)')
    args = ap.parse_args()
    RepairCluster.node_program = {'bench': 'bench/brocluster-bench-node',
                                  'fake': 'tests/fake_node/brocluster-fake-node'}[args.node]
    build = os.path.abspath(args.build)
    kills, trials = (40, 2) if args.quick else (200, 5)
    ctx = zmq.Context()
    tmp = tempfile.mkdtemp(prefix='bc-repair.')
    rc = 0
    try:
        c = RepairCluster(os.path.join(tmp, 'repair'), build, 10, args.host, ctx)
        try:
            c.start_daemons()
            c.wait_reply(c.send('start'), 30)
            c.wait(lambda: c.all_in('running'), 30, 'initial start')
            execd, repair, steps = measure_repair(c, kills)
            hostdown = measure_hostdown(c, trials)
        finally:
            c.shutdown()
        with open('/proc/loadavg') as f:
            load = f.read().strip()
        print('| figure | median | p90 | p99 | max | n | target |')
        print('|---|---:|---:|---:|---:|---:|---|')
        rows = [('kill -9 -> new pid exec\'d (`initializing` event), via collector (ms)', execd,
                 'runit: 4.6 (peer bench)'),
                ('kill -9 -> new pid running, via collector (ms)', repair, 'p50 < 5, p99 < 20')]
        rows += [(name + ' (ms)', steps[name], '') for name in STEPS]
        rows += [(name + ' (ms)', steps[name], '') for name in STAMPED]
        rows += [('host silent -> alert.host-down (ms)', hostdown, '< HostTimeout + 1000 = 4000')]
        for name, s, target in rows:
            print('| %s | %.2f | %.2f | %.2f | %.2f | %d | %s |' % (
                name, s['p50'], s['p90'], s['p99'], s['max'], s['n'], target))
        print('\nnode program: %s\nloadavg after: %s' % (RepairCluster.node_program, load))
    except Exception as e:  # noqa: BLE001
        print('FAILED: %r' % e, file=sys.stderr)
        rc = 1
    finally:
        sb.TRACKER.kill_leftovers()
        for pid in sb.processes_under(tmp):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        ctx.destroy(0)
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)
    return rc


if __name__ == '__main__':
    sys.exit(main())

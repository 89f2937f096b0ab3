#!/usr/bin/python3
"""Benchmarks of brocluster-supervisor, run by bench/run.sh (Debian's python3: zmq, msgpack).

Each phase runs the real daemons (brocluster-broker, brocluster-supervisor, detached as in
production) against a BroBase of its own under --tmp, on loopback, with the test node
program (brocluster-fake-node: reports ready on fd 3 at once, waits for SIGTERM).

  crash   N=10 running nodes; kill(2) SIGKILL one node (round robin), time until the
          `crash` event and the `node_state crashed` event reach a SUB socket on the
          broker; then `start` it again and wait for running before the next kill.
  start   N=100: `stop` all, then `start` all (one request each); time until the reply
          and until every node's event (initializing / running / stopped) arrived.
  idle    N=100 running: supervisor and broker CPU (/proc/<pid>/stat utime+stime, and
          schedstat ns) and memory (VmRSS, smaps_rollup Pss) over a window.
  status  N=100: `status` round trips on one persistent DEALER (and `ping` as a floor).

Timing: time.perf_counter_ns() in this one thread; an event's time is taken right after
zmq recv returned it. Every wait has a deadline; nothing sleeps to synchronise.
"""

import argparse
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time

import msgpack
import zmq

CLK_TCK = os.sysconf('SC_CLK_TCK')
T_START = time.perf_counter()


def log(*args):
    print('[bench %6.1fs]' % (time.perf_counter() - T_START), *args, file=sys.stderr, flush=True)


def now_ns():
    return time.perf_counter_ns()


def ms(ns):
    return ns / 1e6


# ------------------------------------------------------------------ /proc helpers

def stat_fields(pid):
    """Fields of /proc/<pid>/stat after comm; index 0 is field 3 (state)."""
    with open('/proc/%d/stat' % pid, 'rb') as f:
        data = f.read()
    return data[data.rindex(b')') + 2:].split()


def start_ticks(pid):
    try:
        return int(stat_fields(pid)[19])
    except (OSError, ValueError, IndexError):
        return None


def is_alive(pid, ticks):
    try:
        fields = stat_fields(pid)
    except OSError:
        return False
    return int(fields[19]) == ticks and fields[0] not in (b'Z', b'X')


def cpu_ticks(pid):
    f = stat_fields(pid)
    return int(f[11]) + int(f[12])  # utime + stime


def cpu_sched_ns(pid):
    """On-CPU ns of all threads (/proc/<pid>/task/*/schedstat): finer than ticks."""
    total = 0
    for tid in os.listdir('/proc/%d/task' % pid):
        try:
            with open('/proc/%d/task/%s/schedstat' % (pid, tid)) as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total


def main_thread_sched(pid):
    """(on-CPU ns, run-queue wait ns) of the main thread, from its schedstat."""
    with open('/proc/%d/task/%d/schedstat' % (pid, pid)) as f:
        fields = f.read().split()
    return int(fields[0]), int(fields[1])


def memory_kb(pid):
    """(VmRSS, Pss, threads) of a process, kB."""
    rss = pss = threads = 0
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith('VmRSS:'):
                rss = int(line.split()[1])
            elif line.startswith('Threads:'):
                threads = int(line.split()[1])
    with open('/proc/%d/smaps_rollup' % pid) as f:
        for line in f:
            if line.startswith('Pss:'):
                pss = int(line.split()[1])
    return rss, pss, threads


def processes_under(root):
    """Pids working in a directory below `root`, or naming one on their command line (the
    daemons' --base): the cleanup backstop. Not this driver nor its parent (`timeout`),
    which name `root` itself."""
    spare = (os.getpid(), os.getppid())
    below = (root.rstrip('/') + '/').encode()
    out = []
    for name in os.listdir('/proc'):
        if not name.isdigit() or int(name) in spare:
            continue
        pid = int(name)
        try:
            with open('/proc/%d/cmdline' % pid, 'rb') as f:
                cmdline = f.read()
            cwd = os.readlink('/proc/%d/cwd' % pid)
        except OSError:
            continue
        if below in cmdline or (cwd + '/').encode().startswith(below):
            out.append(pid)
    return out


# ------------------------------------------------------------------ bookkeeping

class Tracker:
    """Every process this driver started or learnt about, as (pid, start time)."""

    def __init__(self):
        self.procs = {}

    def add(self, pid):
        ticks = start_ticks(pid)
        if pid > 0 and ticks is not None:
            self.procs.setdefault(pid, ticks)

    def kill_leftovers(self):
        killed = 0
        for pid, ticks in list(self.procs.items()):
            if is_alive(pid, ticks):
                try:
                    os.kill(pid, signal.SIGKILL)
                    killed += 1
                except OSError:
                    pass
        return killed


TRACKER = Tracker()


def wait_until(pred, timeout_s, what, interval_s=0.005):
    """Polls `pred` (a /proc condition, not an event) until true or the deadline."""
    deadline = time.monotonic() + timeout_s
    while not pred():
        if time.monotonic() > deadline:
            raise TimeoutError('%s: not done within %.1f s' % (what, timeout_s))
        time.sleep(interval_s)


def summary(values):
    vals = sorted(values)
    if not vals:
        return None
    qs = statistics.quantiles(vals, n=100, method='inclusive') if len(vals) > 1 else vals * 99
    return {'n': len(vals), 'min': vals[0], 'p50': statistics.median(vals), 'p90': qs[89],
            'p99': qs[98], 'max': vals[-1], 'mean': statistics.fmean(vals)}


def free_port_block(host, count=4, first=17700, last=26990, step=10):
    """A block of `count` consecutive TCP ports that can be bound on `host` right now."""
    for base in range(first, last, step):
        ok = True
        for port in range(base, base + count):
            s = socket.socket()
            try:
                s.bind((host, port))
            except OSError:
                ok = False
            finally:
                s.close()
            if not ok:
                break
        if ok:
            return base
    raise RuntimeError('no free port block on %s' % host)


# ------------------------------------------------------------------ one simulated host

class Cluster:
    """A BroBase with one broker and one supervisor owning `n` fake nodes on `host`."""

    # The node program, relative to the build dir.
    node_program = 'tests/fake_node/brocluster-fake-node'

    def __init__(self, root, build, n, host, ctx):
        self.base = root
        self.build = build
        self.n = n
        self.host = host
        self.ctx = ctx
        self.port = free_port_block(host)
        self.nodes = ['manager', 'proxy-1'] + ['worker-%d' % i for i in range(1, n - 1)]
        self.sup_pid = self.broker_pid = None
        self.state = {}      # node -> (state, pid) from events (seeded by a status reply)
        self.seen = {}       # (node, state) -> perf ns the event arrived
        self.published = {}  # (node, state) -> wall us the event was published
        self.crashes = {}    # node -> (pid, perf ns, event) of the last crash event
        self.replies = {}    # request id -> (perf ns, reply)
        self.counts = {}     # event type -> number received
        self.last_hb = None
        self.next_id = 0
        self.client = self.sub = None

    # -- configuration and daemons

    def write_config(self):
        etc = os.path.join(self.base, 'etc')
        for d in (etc, os.path.join(self.base, 'spool', 'tmp'), os.path.join(self.base, 'logs')):
            os.makedirs(d, exist_ok=True)
        program = os.path.join(self.build, self.node_program)
        with open(os.path.join(etc, 'cluster.cfg'), 'w') as f:
            f.write('NodeProgram = %s\nSupervisorPort = %d\nBrokerPubPort = %d\n'
                    'BrokerSubPort = %d\nCollectorPort = %d\nSendMail = 0\n'
                    % (program, self.port, self.port + 1, self.port + 2, self.port + 3))
        with open(os.path.join(etc, 'node.cfg'), 'w') as f:
            f.write('[manager]\ntype=manager\nhost=%s\n\n' % self.host)
            f.write('[proxy-1]\ntype=proxy\nhost=%s\n\n' % self.host)
            f.write('[worker]\ntype=worker\nhost=%s\nlb_procs=%d\n' % (self.host, self.n - 2))

    def make_keys(self):
        """The bus runs encrypted, as by default: keygen as a user runs it, then the admin's
        key pair and the servers' public keys for this driver's own sockets."""
        shell = os.path.join(self.build, 'shell/brocluster')
        subprocess.run([shell, '--base', self.base, 'keygen'], check=True, capture_output=True,
                       timeout=30)
        keys = os.path.join(self.base, 'etc', 'keys')
        pair = {}
        with open(os.path.join(keys, 'secret', 'admin.key')) as f:
            for line in f:
                if '=' in line and not line.startswith('#'):
                    k, v = line.split('=', 1)
                    pair[k.strip()] = v.strip().encode()
        self.admin = (pair['public'], pair['secret'])
        self.server_keys = {}
        with open(os.path.join(keys, 'supervisor')) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 2 and not line.startswith('#'):
                    self.server_keys[parts[0]] = parts[1].encode()

    def secure(self, sock, server):
        sock.setsockopt(zmq.CURVE_PUBLICKEY, self.admin[0])
        sock.setsockopt(zmq.CURVE_SECRETKEY, self.admin[1])
        sock.setsockopt(zmq.CURVE_SERVERKEY, self.server_keys[server])

    def launch(self, exe, pidfile):
        """Runs a daemon; it detaches and returns once serving. Returns its pid."""
        argv = [os.path.join(self.build, exe), '--base', self.base]
        r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=30)
        if r.returncode != 0:
            raise RuntimeError('%s failed (%d): %s' % (exe, r.returncode, r.stderr.strip()))
        with open(os.path.join(self.base, 'spool', pidfile)) as f:
            pid = int(f.read().split()[0])
        TRACKER.add(pid)
        return pid

    def start_daemons(self):
        self.write_config()
        self.make_keys()
        self.broker_pid = self.launch('broker/brocluster-broker', 'broker.pid')
        self.sup_pid = self.launch('supervisor/brocluster-supervisor', 'supervisor.pid')
        self.client = self.ctx.socket(zmq.DEALER)
        self.client.setsockopt(zmq.LINGER, 0)
        self.secure(self.client, self.host)
        self.client.connect('tcp://%s:%d' % (self.host, self.port))
        self.sub = self.ctx.socket(zmq.SUB)
        self.sub.setsockopt(zmq.LINGER, 0)
        self.sub.setsockopt(zmq.RCVHWM, 100000)
        self.sub.setsockopt(zmq.SUBSCRIBE, b'')  # everything, as the collector does
        self.secure(self.sub, 'broker')
        self.sub.connect('tcp://%s:%d' % (self.host, self.port + 2))
        # The bus path is live once a supervisor heartbeat (every 1 s) comes through.
        self.wait(lambda: self.last_hb is not None, 10, 'first supervisor heartbeat')
        rid = self.send('status')
        reply = self.wait_reply(rid, 10)
        for node in reply['result']['nodes']:
            self.state[node['name']] = (node['state'], node['pid'])
            TRACKER.add(node['pid'])
        if sorted(self.state) != sorted(self.nodes):
            raise RuntimeError('supervisor reports nodes %s' % sorted(self.state))

    def shutdown(self):
        """Stops the nodes, then the daemons; kills whatever is left. Never raises."""
        try:
            if self.client is not None and self.sup_pid and is_alive(self.sup_pid,
                                                                     TRACKER.procs[self.sup_pid]):
                self.wait_reply(self.send('stop'), 20)
        except Exception as e:  # noqa: BLE001 - cleanup continues regardless
            log('stop all at shutdown failed:', repr(e))
        for pid in (self.sup_pid, self.broker_pid):
            if pid and is_alive(pid, TRACKER.procs[pid]):
                try:
                    os.kill(pid, signal.SIGTERM)
                    wait_until(lambda p=pid: not is_alive(p, TRACKER.procs[p]), 10, 'daemon exit')
                except Exception as e:  # noqa: BLE001
                    log('daemon %d did not end on SIGTERM: %r' % (pid, e))
        for sock in (self.client, self.sub):
            if sock is not None:
                sock.close(0)
        self.client = self.sub = None

    # -- messages

    def send(self, cmd, args=None):
        self.next_id += 1
        body = {'v': 1, 'id': self.next_id, 'cmd': cmd, 'args': args or {},
                'ts': time.time_ns() // 1000, 'nonce': os.urandom(16).hex()}
        self.client.send(msgpack.packb(body, use_bin_type=True))
        return self.next_id

    def pump(self, timeout_ms):
        """Waits up to timeout_ms for input; takes in every reply and event available."""
        poller = zmq.Poller()
        poller.register(self.client, zmq.POLLIN)
        poller.register(self.sub, zmq.POLLIN)
        ready = dict(poller.poll(timeout_ms))
        if self.sub in ready:
            while True:
                try:
                    frames = self.sub.recv_multipart(zmq.NOBLOCK)
                except zmq.Again:
                    break
                self.on_event(now_ns(), frames)
        if self.client in ready:
            while True:
                try:
                    body = self.client.recv(zmq.NOBLOCK)
                except zmq.Again:
                    break
                t = now_ns()
                reply = msgpack.unpackb(body, raw=False)
                self.replies[reply['id']] = (t, reply)

    def on_event(self, t, frames):
        if len(frames) != 2:
            return
        e = msgpack.unpackb(frames[1], raw=False)
        kind = e.get('type')
        self.counts[kind] = self.counts.get(kind, 0) + 1
        if kind == 'heartbeat' and e.get('role') == 'supervisor':
            self.last_hb = e
        elif kind == 'node_state':
            self.state[e['node']] = (e['state'], e['pid'])
            self.seen[(e['node'], e['state'])] = t
            self.published[(e['node'], e['state'])] = e.get('ts', 0)  # us, publisher's clock
            TRACKER.add(e['pid'])
        elif kind == 'crash':
            self.crashes[e['node']] = (e['pid'], t, e)

    def wait(self, pred, timeout_s, what):
        deadline = now_ns() + int(timeout_s * 1e9)
        while not pred():
            left = deadline - now_ns()
            if left <= 0:
                raise TimeoutError('%s: not within %.1f s' % (what, timeout_s))
            self.pump(max(1, left // 1_000_000))

    def wait_reply(self, rid, timeout_s):
        self.wait(lambda: rid in self.replies, timeout_s, 'reply to request %d' % rid)
        reply = self.replies.pop(rid)[1]
        if not reply.get('ok'):
            raise RuntimeError('request %d failed: %s' % (rid, reply.get('error')))
        return reply

    def all_in(self, state):
        return all(self.state[n][0] == state for n in self.nodes)


# ------------------------------------------------------------------ measurements

def lifecycle_all(c, cmd, target, timeout_s):
    """Sends `cmd` for all nodes; returns ms until the reply and until all reached `target`."""
    c.seen.clear()
    t0 = now_ns()
    rid = c.send(cmd)
    c.wait(lambda: rid in c.replies and c.all_in(target), timeout_s, '%s all' % cmd)
    t_reply, reply = c.replies.pop(rid)
    if not reply.get('ok'):
        raise RuntimeError('%s all failed: %s' % (cmd, reply.get('error')))
    out = {'reply': ms(t_reply - t0), 'all': ms(max(c.seen[(n, target)] for n in c.nodes) - t0)}
    if cmd == 'start':
        out['spawned'] = ms(max(c.seen[(n, 'initializing')] for n in c.nodes) - t0)
    return out


def measure_crash(c, kills, timeout_s=10):
    """kill -9 a running node; time to `crash` and `node_state crashed`; start it again."""
    res = {'crash_event': [], 'state_crashed': [], 'sup_reaped': [], 'sup_publish': [],
           'restart_running': [],
           'start_reply': [], 'start_spawned': []}
    for i in range(kills):
        node = c.nodes[i % len(c.nodes)]
        state, pid = c.state[node]
        if state != 'running' or pid <= 0:
            raise RuntimeError('%s is %s (pid %d) before kill %d' % (node, state, pid, i))
        c.pump(0)  # take in anything already queued, so no stale event is counted
        c.crashes.pop(node, None)
        c.seen.pop((node, 'crashed'), None)
        c.seen.pop((node, 'running'), None)
        c.seen.pop((node, 'initializing'), None)
        wall0 = time.time_ns()
        t0 = now_ns()
        os.kill(pid, signal.SIGKILL)
        c.wait(lambda: c.crashes.get(node, (0,))[0] == pid and (node, 'crashed') in c.seen,
               timeout_s, 'crash events of %s (kill %d)' % (node, i))
        t_crash, ev = c.crashes[node][1], c.crashes[node][2]
        res['crash_event'].append(ms(t_crash - t0))
        res['state_crashed'].append(ms(c.seen[(node, 'crashed')] - t0))
        # The supervisor's own wall-clock stamps: ended_at is taken right after the reap,
        # ts when the event is published (after the crash record is on disk).
        res['sup_reaped'].append((ev['ended_at'] * 1000 - wall0) / 1e6)
        res['sup_publish'].append((ev['ts'] * 1000 - wall0) / 1e6)
        t1 = now_ns()
        rid = c.send('start', {'nodes': [node]})
        c.wait(lambda: rid in c.replies and (node, 'running') in c.seen, timeout_s,
               'restart of %s (kill %d)' % (node, i))
        res['start_reply'].append(ms(c.replies.pop(rid)[0] - t1))
        res['start_spawned'].append(ms(c.seen[(node, 'initializing')] - t1))
        res['restart_running'].append(ms(c.seen[(node, 'running')] - t0))
    return {k: summary(v) for k, v in res.items()}


def measure_start_stop(c, trials, timeout_s=30):
    """Where the supervisor's main thread spent a start: on a CPU, waiting for one (run
    queue), or blocked (in a syscall: the exec handshake with each child, file I/O)."""
    res = {'start_reply': [], 'start_spawned': [], 'start_running': [], 'stop_reply': [],
           'stop_stopped': [], 'start_cpu_ms': [], 'start_runq_ms': [], 'start_blocked_ms': []}
    for t in range(trials):
        s = lifecycle_all(c, 'stop', 'stopped', timeout_s)
        res['stop_reply'].append(s['reply'])
        res['stop_stopped'].append(s['all'])
        cpu0, wait0 = main_thread_sched(c.sup_pid)
        s = lifecycle_all(c, 'start', 'running', timeout_s)
        cpu1, wait1 = main_thread_sched(c.sup_pid)
        res['start_cpu_ms'].append((cpu1 - cpu0) / 1e6)
        res['start_runq_ms'].append((wait1 - wait0) / 1e6)
        res['start_blocked_ms'].append(s['all'] - (cpu1 - cpu0 + wait1 - wait0) / 1e6)
        res['start_reply'].append(s['reply'])
        res['start_spawned'].append(s['spawned'])
        res['start_running'].append(s['all'])
        log('start/stop trial %d: start all running %.1f ms (reply %.1f), stop %.1f ms'
            % (t + 1, s['all'], s['reply'], res['stop_stopped'][-1]))
    return {k: summary(v) for k, v in res.items()}


def measure_idle(c, seconds):
    pids = {'supervisor': c.sup_pid, 'broker': c.broker_pid}
    before = {k: (cpu_ticks(p), cpu_sched_ns(p)) for k, p in pids.items()}
    counts0 = dict(c.counts)
    peak = {k: 0 for k in pids}
    w0 = now_ns()
    end = w0 + int(seconds * 1e9)
    while now_ns() < end:
        # The window itself: take in the bus (as a collector would) and sample memory.
        c.pump(max(1, min(1000, (end - now_ns()) // 1_000_000)))
        for k, p in pids.items():
            peak[k] = max(peak[k], memory_kb(p)[0])
    wall_s = (now_ns() - w0) / 1e9
    out = {'seconds': wall_s}
    for k, p in pids.items():
        ticks = cpu_ticks(p) - before[k][0]
        sched_ms = (cpu_sched_ns(p) - before[k][1]) / 1e6
        rss, pss, threads = memory_kb(p)
        out[k] = {'cpu_ms_ticks': ticks * 1000.0 / CLK_TCK,
                  'cpu_pct_ticks': ticks * 100.0 / CLK_TCK / wall_s,
                  'cpu_ms_sched': sched_ms, 'cpu_pct_sched': sched_ms / 10.0 / wall_s,
                  'rss_kb': rss, 'rss_peak_kb': peak[k], 'pss_kb': pss, 'threads': threads}
    out['events'] = {k: v - counts0.get(k, 0) for k, v in c.counts.items()}
    if not c.all_in('running'):
        raise RuntimeError('not all nodes running after the idle window')
    return out


def measure_status(c, trials):
    res = {}
    for cmd in ('ping', 'status'):
        vals = []
        for i in range(trials + 1):
            t0 = now_ns()
            rid = c.send(cmd)
            c.wait(lambda: rid in c.replies, 5, cmd)
            t, reply = c.replies.pop(rid)
            if cmd == 'status' and len(reply['result']['nodes']) != c.n:
                raise RuntimeError('status returned %d nodes' % len(reply['result']['nodes']))
            if i > 0:  # the first one warms up
                vals.append(ms(t - t0))
        res[cmd] = summary(vals)
    return res


# ------------------------------------------------------------------ report

def machine():
    cpu = ''
    with open('/proc/cpuinfo') as f:
        for line in f:
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    with open('/proc/meminfo') as f:
        mem_kb = int(f.readline().split()[1])
    with open('/proc/loadavg') as f:
        load = f.read().strip()
    return {'nproc': os.cpu_count(), 'cpu': cpu, 'mem_gib': round(mem_kb / 2**20, 1),
            'kernel': platform.release(), 'date': time.strftime('%Y-%m-%d %H:%M:%S %Z'),
            'loadavg_before': load}


def source_of(build):
    """The source tree the build was configured from, with `git describe` when it is one."""
    src = '?'
    try:
        with open(os.path.join(build, 'CMakeCache.txt')) as f:
            for line in f:
                if line.startswith('CMAKE_HOME_DIRECTORY:'):
                    src = line.split('=', 1)[1].strip()
        rev = subprocess.run(['git', '-C', src, 'describe', '--always', '--dirty'],
                             capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        rev = ''
    return '%s%s' % (src, ' (git %s)' % rev if rev else '')


def fmt_row(name, s, target=''):
    if s is None:
        return '| %s | - | - | - | - | - | - | %s |' % (name, target)
    return '| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %d | %s |' % (
        name, s['min'], s['p50'], s['p90'], s['p99'], s['max'], s['n'], target)


def report(r):
    m = r['machine']
    lines = ['# brocluster-supervisor benchmarks%s' % (' (--quick)' if r['quick'] else ''), '',
             'machine: %d cpu, %s, %.1f GiB, Linux %s; %s' % (
                 m['nproc'], m['cpu'], m['mem_gib'], m['kernel'], m['date']),
             'source: %s; build: %s' % (r['source'], r['build']),
             'loadavg before: %s; after: %s' % (m['loadavg_before'], m.get('loadavg_after')),
             '', '| figure (ms) | min | p50 | p90 | p99 | max | n | target |',
             '|---|---:|---:|---:|---:|---:|---:|---|']
    cr = r.get('crash')
    if cr:
        lines += [fmt_row('kill -9 -> `crash` event at SUB, N=10', cr['crash_event'], 'p99 < 10'),
                  fmt_row('kill -9 -> `node_state crashed` at SUB, N=10', cr['state_crashed'],
                          'p99 < 10'),
                  fmt_row('  kill -> reaped (crash `ended_at`, supervisor wall clock)',
                          cr['sup_reaped']),
                  fmt_row('  kill -> crash published (crash `ts`, supervisor wall clock)',
                          cr['sup_publish']),
                  fmt_row('`start` one crashed node -> reply (sent once running)',
                          cr['start_reply']),
                  fmt_row('`start` one crashed node -> `initializing` event (spawned)',
                          cr['start_spawned']),
                  fmt_row('kill -9 -> running again (driver restarts on the events)',
                          cr['restart_running'])]
    ss = r.get('start')
    if ss:
        lines += [fmt_row('start 100 -> all `running` events', ss['start_running'], '< 1000'),
                  fmt_row('start 100 -> reply', ss['start_reply']),
                  fmt_row('start 100 -> all `initializing` (spawned) events',
                          ss['start_spawned']),
                  fmt_row('  start 100: supervisor main thread on CPU', ss['start_cpu_ms']),
                  fmt_row('  start 100: main thread runnable, waiting for a CPU',
                          ss['start_runq_ms']),
                  fmt_row('  start 100: main thread blocked (rest of the wall time)',
                          ss['start_blocked_ms']),
                  fmt_row('stop 100 -> all `stopped` events', ss['stop_stopped']),
                  fmt_row('stop 100 -> reply', ss['stop_reply'])]
    st = r.get('status')
    if st:
        lines += [fmt_row('`status` round trip, 100 nodes, persistent DEALER', st['status']),
                  fmt_row('`ping` round trip (floor of this driver + transport)', st['ping'])]
    idle = r.get('idle')
    if idle:
        lines += ['', 'idle, 100 running nodes, %.0f s window (StatsInterval 10 s, '
                  'HeartbeatInterval 1 s):' % idle['seconds'], '',
                  '| process | VmRSS MiB (peak) | Pss MiB | CPU % of one core (stat ticks) | '
                  'CPU % (schedstat) | CPU ms | threads | target |', '|---|---:|---:|---:|---:|---:|---:|---|']
        for k, target in (('supervisor', 'RSS < 10 MiB, CPU < 0.5 %'), ('broker', '')):
            d = idle[k]
            lines.append('| %s | %.1f (%.1f) | %.1f | %.3f | %.3f | %.1f | %d | %s |' % (
                k, d['rss_kb'] / 1024, d['rss_peak_kb'] / 1024, d['pss_kb'] / 1024,
                d['cpu_pct_ticks'], d['cpu_pct_sched'], d['cpu_ms_sched'], d['threads'], target))
        lines += ['', 'events seen on the bus in the window: %s' % json.dumps(idle['events'],
                                                                              sort_keys=True)]
    return '\n'.join(lines) + '\n'


# ------------------------------------------------------------------ main

def run_phase(name, args, ctx, n, host, fn):
    root = os.path.join(args.tmp, name)
    c = Cluster(root, args.build, n, host, ctx)
    try:
        c.start_daemons()
        log('%s: broker %d, supervisor %d on %s:%d, %d nodes' % (
            name, c.broker_pid, c.sup_pid, host, c.port, n))
        return fn(c)
    finally:
        c.shutdown()
        left = TRACKER.kill_leftovers()
        if left:
            log('%s: killed %d leftover processes' % (name, left))


def phase_big(c, args, r):
    c.wait_reply(c.send('start'), 30)
    c.wait(lambda: c.all_in('running'), 30, 'initial start')
    r['start'] = measure_start_stop(c, args.start_trials)
    log('idle window %d s' % args.idle_s)
    r['idle'] = measure_idle(c, args.idle_s)
    r['status'] = measure_status(c, args.status_trials)


def phase_crash(c, args, r):
    c.wait_reply(c.send('start'), 30)
    c.wait(lambda: c.all_in('running'), 30, 'initial start')
    r['crash'] = measure_crash(c, args.kills)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--build', required=True, help='build directory')
    ap.add_argument('--tmp', required=True, help='scratch directory (BroBases)')
    ap.add_argument('--quick', action='store_true', help='smoke run: 10 s idle, 40 kills')
    ap.add_argument('--phases', default='crash,big', help='crash,big')
    ap.add_argument('--host', default='127.0.0.1')
    ap.add_argument('--json', help='write the results here as well')
    args = ap.parse_args()
    q = args.quick
    args.kills = 40 if q else 200
    args.start_trials = 2 if q else 5
    args.idle_s = 10 if q else 60
    args.status_trials = 50 if q else 200

    def on_signal(sig, _frame):
        raise KeyboardInterrupt('signal %d' % sig)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    r = {'quick': q, 'machine': machine(), 'build': args.build, 'source': source_of(args.build),
         'params': {
        k: getattr(args, k) for k in ('kills', 'start_trials', 'idle_s', 'status_trials')}}
    ctx = zmq.Context()
    rc = 0
    try:
        phases = args.phases.split(',')
        if 'crash' in phases:
            run_phase('crash', args, ctx, 10, args.host, lambda c: phase_crash(c, args, r))
        if 'big' in phases:
            run_phase('big', args, ctx, 100, args.host, lambda c: phase_big(c, args, r))
    except KeyboardInterrupt as e:
        log('interrupted:', e)
        rc = 130
    except Exception as e:  # noqa: BLE001 - reported, partial results still printed
        log('FAILED:', repr(e))
        rc = 1
    finally:
        TRACKER.kill_leftovers()
        for pid in processes_under(args.tmp):
            log('backstop: killing pid %d' % pid)
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        ctx.destroy(0)
    with open('/proc/loadavg') as f:
        r['machine']['loadavg_after'] = f.read().strip()
    print(report(r), flush=True)
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(r, f, indent=1, sort_keys=True)
    return rc


if __name__ == '__main__':
    sys.exit(main())

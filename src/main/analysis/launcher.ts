/**
 * Starts the decoder from a small helper process instead of from the analysis thread's own process.
 *
 * On Linux, Node starts a child with fork() + exec(). fork() marks every writable page of the parent
 * copy-on-write, so after each start the parent's next write to each of its pages faults once: on
 * this VM ≈ 10,000 faults and ≈ 70 ms of system CPU per song for one analysis worker's memory, and
 * all threads' memory (every worker, the app's main thread) pays when any thread starts a decoder.
 * The helper is a plain Node process that holds almost nothing, so its fork costs almost nothing;
 * it is started once per thread (by a shell that exits at once, so the system reaps it) and runs
 * only the one program it was started for.
 *
 * The decoder's outputs are the caller's reader sockets (reader-socket.ts), handed to the helper
 * with the message that asks for them, so the PCM never passes through the helper. stderr, the exit
 * code and kill requests travel as messages. The helper's source is a string read from stdin
 * (`node -`), so it runs unchanged under Vitest, tsx and the bundles with no file of its own. It exits when the
 * thread that started it goes away, killing any decoder it still runs. Where it cannot start, or
 * with PERFORMIA_DECODER_HELPER=0, the thread starts decoders itself, as before. Under Electron the
 * helper is Electron's binary run as Node (ELECTRON_RUN_AS_NODE): a build that turns the RunAsNode
 * fuse off gets no helper (what started instead is killed after READY_TIMEOUT_MS).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type net from 'node:net';

/** What the decoder code needs of a started decoder, however it was started. */
export interface Launched {
  onStderr(cb: (text: string) => void): void;
  onError(cb: (err: Error) => void): void;
  /** once, after the process has exited and its stdio closed (code null: killed or never started) */
  onClose(cb: (code: number | null) => void): void;
  /** SIGKILL, if it still runs */
  kill(): void;
}

type ToHelper =
  | { t: 'fd'; id: number; slot: number }
  | { t: 'run'; id: number; args: string[] }
  | { t: 'kill'; id: number };

type FromHelper =
  | { t: 'ready'; pid: number }
  | { t: 'stderr'; id: number; s: string }
  | { t: 'error'; id: number; message: string }
  | { t: 'close'; id: number; code: number | null; cpuTicks?: number | null };

const HELPER_SOURCE = `
const { spawn } = require('node:child_process');
const file = process.argv[process.argv.length - 1];
const jobs = new Map();
// CPU of the programs this helper ran and reaped (cutime + cstime, 1/100 s), where /proc tells
const childTicks = () => {
  try {
    const f = require('node:fs').readFileSync('/proc/self/stat', 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return Number(rest[13]) + Number(rest[14]);
  } catch { return null; }
};
// a Node program would take an inherited NODE_CHANNEL_FD for a channel of its own
const programEnv = { ...process.env };
for (const k of ['NODE_CHANNEL_FD', 'NODE_CHANNEL_SERIALIZATION_MODE', 'ELECTRON_RUN_AS_NODE']) delete programEnv[k];
const send = (m) => { if (process.connected) process.send(m); };
const job = (id) => { let j = jobs.get(id); if (!j) jobs.set(id, (j = { fds: [], child: null })); return j; };
process.on('message', (m, handle) => {
  if (m.t === 'fd') { job(m.id).fds[m.slot] = handle; return; }
  if (m.t === 'kill') { const c = jobs.get(m.id)?.child; if (c && c.exitCode === null) c.kill('SIGKILL'); return; }
  if (m.t !== 'run') return;
  const j = job(m.id);
  // the program gets the outputs it was given, /dev/null for the rest of 0–2 (our channel is close-on-exec)
  const stdio = ['ignore', 'ignore', 'pipe'];
  for (let s = 3; s < j.fds.length; s++) stdio[s] = 'ignore';
  for (let s = 1; s < j.fds.length; s++) if (j.fds[s]) stdio[s] = j.fds[s];
  let child;
  try {
    child = spawn(file, m.args, { stdio, env: programEnv, windowsHide: true });
  } catch (e) {
    for (const h of j.fds) if (h) h.destroy();
    jobs.delete(m.id);
    send({ t: 'error', id: m.id, message: String((e && e.message) || e) });
    send({ t: 'close', id: m.id, code: null });
    return;
  }
  j.child = child;
  // the decoder has its own copies of the outputs: ours must go, or the readers never see their end
  for (const h of j.fds) if (h) h.destroy();
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s) => send({ t: 'stderr', id: m.id, s }));
  child.on('error', (e) => send({ t: 'error', id: m.id, message: e.message }));
  child.on('close', (code) => { jobs.delete(m.id); send({ t: 'close', id: m.id, code, cpuTicks: childTicks() }); });
});
process.on('disconnect', () => {
  for (const j of jobs.values()) if (j.child && j.child.exitCode === null) j.child.kill('SIGKILL');
  process.exit(0);
});
send({ t: 'ready', pid: process.pid });
`;

/** How long the helper may take to start before this thread starts decoders itself. */
const READY_TIMEOUT_MS = 5_000;

interface Pending {
  stderr: ((s: string) => void)[];
  error: ((e: Error) => void)[];
  close: ((code: number | null) => void)[];
  closed: boolean;
  /** our copies of the program's outputs, until the helper has them */
  outputs: net.Socket[];
}

/** One helper per thread, started on first use, unreferenced while idle (it never keeps a process alive). */
class Helper {
  private readonly jobs = new Map<number, Pending>();
  private nextId = 1;
  /** set by retire(): the helper goes once its last program has ended */
  private retired = false;
  /** the helper's children's CPU so far, as last reported */
  private ticksSeen = 0;
  private constructor(
    private readonly child: ChildProcess,
    readonly file: string,
    /** the helper's own process id (the child above is the shell that started it) */
    readonly pid: number,
  ) {
    child.on('message', (m: FromHelper) => this.dispatch(m));
    // gone (crashed, killed): every decoder it ran is reported as failed; the next start makes a new
    // helper. Its stdout ends when it is gone; the channel alone may not say so (Node postpones the
    // disconnect while a sent socket awaits the helper's acknowledgement).
    child.once('disconnect', () => this.lost());
    child.stdout!.once('close', () => this.lost());
    this.idle();
  }

  static start(file: string): Promise<Helper> {
    return new Promise((resolve, reject) => {
      let child: ChildProcess;
      try {
        // started in the background by a shell that exits at once: the helper is nobody's child here,
        // so when it exits (its thread or process gone) the system reaps it, not a thread that no
        // longer runs (a worker's loop reaps only while it lives). The channel is inherited on fd 3.
        // The source goes in on stdin (`node -`), not as `-e <code>`: a command line carrying code that
        // requires child_process is what endpoint-security rules flag as script injection into Electron.
        child = spawn(
          '/bin/sh',
          ['-c', 'printf %s "$1" | "$0" - "$2" & echo $!', process.execPath, HELPER_SOURCE, file],
          {
            // stdout: the shell writes the helper's pid there; the helper holds it and never writes,
            // so its end tells us the helper is gone
            stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
            // Electron's binary runs as plain Node; the helper needs no loader flags of ours
            env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
            serialization: 'json',
          },
        );
      } catch (err) {
        reject(err as Error);
        return;
      }
      let pid = 0;
      const fail = (err: Error): void => {
        clearTimeout(timer);
        // a helper that starts late finds its channel closed and exits; whatever else the binary
        // started as (an Electron build without its RunAsNode fuse starts the app) is stopped here
        if (child.connected) child.disconnect();
        if (pid > 0) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone already
          }
        }
        reject(err);
      };
      const timer = setTimeout(() => fail(new Error('the decoder helper did not start')), READY_TIMEOUT_MS);
      const gone = (): void => fail(new Error('the decoder helper exited before it was ready'));
      child.once('error', fail);
      child.once('disconnect', gone);
      child.stdout!.once('close', gone);
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', (s: string) => {
        if (pid === 0) pid = Number.parseInt(s, 10) || -1;
      });
      (child.stdout as net.Socket).unref();
      child.once('message', (m: FromHelper) => {
        clearTimeout(timer);
        child.removeAllListeners('error');
        child.removeAllListeners('disconnect');
        child.stdout!.removeListener('close', gone);
        if (m.t !== 'ready') {
          fail(new Error('the decoder helper answered out of turn'));
          return;
        }
        child.on('error', () => {}); // a send to a helper that just died: reported by 'disconnect'
        resolve(new Helper(child, file, m.pid));
      });
    });
  }

  get alive(): boolean {
    return this.child.connected;
  }

  /** Starts `file args` with `outputs[i]` as its fd i (1 and up); the sockets are closed here once sent. */
  run(args: string[], outputs: Record<number, net.Socket>): Launched {
    const id = this.nextId++;
    const p: Pending = { stderr: [], error: [], close: [], closed: false, outputs: Object.values(outputs) };
    this.jobs.set(id, p);
    this.busy();
    // gone between the caller's check and now: fail it as a lost helper's (after the caller has listened)
    if (!this.child.connected) setImmediate(() => this.lost());
    for (const socket of Object.values(outputs)) {
      // a socket a net.Server accepted is sent with that server's connection bookkeeping: a list per
      // server with listeners on both processes that stay for the process's life (one more per song).
      // The reader pair's server is closed already and tracks nothing: detach the socket from it.
      Object.assign(socket, { server: null, _server: null });
    }
    for (const [slot, socket] of Object.entries(outputs))
      this.send({ t: 'fd', id, slot: Number(slot) }, socket);
    this.send({ t: 'run', id, args });
    return {
      onStderr: (cb) => p.stderr.push(cb),
      onError: (cb) => p.error.push(cb),
      onClose: (cb) => p.close.push(cb),
      kill: () => {
        if (!p.closed) this.send({ t: 'kill', id });
      },
    };
  }

  private send(m: ToHelper, handle?: net.Socket): void {
    if (!this.child.connected) return;
    // keepOpen false (the default): Node closes our copy of the socket once it is sent
    if (handle) this.child.send(m, handle);
    else this.child.send(m);
  }

  private dispatch(m: FromHelper): void {
    if (m.t === 'ready') return;
    const p = this.jobs.get(m.id);
    if (!p) return;
    if (m.t === 'stderr') for (const cb of p.stderr) cb(m.s);
    else if (m.t === 'error') for (const cb of p.error) cb(new Error(m.message));
    else {
      if (typeof m.cpuTicks === 'number') {
        decoderCpuMs += (m.cpuTicks - this.ticksSeen) * 10;
        this.ticksSeen = m.cpuTicks;
      }
      this.close(m.id, p, m.code);
    }
  }

  private close(id: number, p: Pending, code: number | null): void {
    if (p.closed) return;
    p.closed = true;
    this.jobs.delete(id);
    if (this.jobs.size === 0) {
      this.idle();
      if (this.retired && this.child.connected) this.child.disconnect();
    }
    for (const cb of p.close) cb(code);
  }

  private lost(): void {
    if (current === this) current = null;
    if (this.child.connected) this.child.disconnect();
    for (const [id, p] of [...this.jobs]) {
      // a socket still waiting for the helper's acknowledgement stays open on our side (Node closes a
      // sent socket only once acknowledged): close it, or its reader never sees an end
      for (const s of p.outputs) s.destroy();
      for (const cb of p.error) cb(new Error('the decoder helper stopped'));
      this.close(id, p, null);
    }
  }

  /** Closes the channel when nothing runs (the helper then exits); later it is simply not used again. */
  retire(): void {
    if (current === this) current = null;
    this.retired = true;
    if (this.jobs.size === 0 && this.child.connected) this.child.disconnect();
  }

  /** no decoder running: the channel must not keep the process alive */
  private idle(): void {
    this.child.channel?.unref();
  }

  private busy(): void {
    this.child.channel?.ref();
  }
}

let current: Helper | null = null;
/** CPU ms of the programs the helpers of this thread ran (Linux; 0 elsewhere) */
let decoderCpuMs = 0;
let starting: Promise<Helper | null> | null = null;
/** set when the helper cannot be started here: this thread then starts decoders itself */
let unavailable = false;

/**
 * Starts `file args` with the given sockets as its output fds, through this thread's helper when
 * it can (POSIX, where fork() is what makes starting a process from a large one expensive), or
 * directly. The sockets must not be used by the caller afterwards.
 */
export async function launch(
  file: string,
  args: string[],
  outputs: Record<number, net.Socket>,
): Promise<Launched> {
  const helper = process.platform === 'win32' ? null : await helperFor(file);
  if (helper) return helper.run(args, outputs);
  return direct(file, args, outputs);
}

/**
 * Starts this thread's helper for `file` ahead of the first decode (a warm worker's first song need
 * not wait the ≈ 50–150 ms a helper takes to start). Never fails: launch() falls back as usual.
 */
export function warmLauncher(file: string): void {
  if (process.platform !== 'win32') void helperFor(file);
}

async function helperFor(file: string): Promise<Helper | null> {
  if (unavailable || process.env.PERFORMIA_DECODER_HELPER === '0') return null;
  if (current?.alive && current.file === file) return current;
  // one helper per thread: a helper for another program goes once it has nothing running
  if (current && current.file !== file) current.retire();
  starting ??= Helper.start(file)
    .then((h) => (current = h))
    .catch((err: Error): null => {
      unavailable = true;
      // once per thread: decoding goes on, started directly (slower, see bench/README.md)
      console.error(`[decoder] no helper process (${err.message}): this thread starts ffmpeg itself`);
      return null;
    })
    .finally(() => (starting = null));
  return starting;
}

/** Started from this process, as Node does it (the fallback, and Windows). */
export function direct(
  file: string,
  args: string[],
  outputs: Record<number, net.Socket | 'pipe'>,
): Launched & { child: ChildProcess } {
  const stdio: (net.Socket | 'pipe' | 'ignore')[] = ['ignore', 'ignore', 'pipe'];
  for (const [slot, out] of Object.entries(outputs)) stdio[Number(slot)] = out;
  const child = spawn(file, args, { stdio, windowsHide: true });
  // the child has its own copies of the sockets: ours must go, or the readers never see their end
  for (const out of Object.values(outputs)) if (out !== 'pipe') out.destroy();
  child.stderr!.setEncoding('utf8');
  return {
    child,
    onStderr: (cb) => child.stderr!.on('data', cb),
    onError: (cb) => child.on('error', cb),
    onClose: (cb) => child.on('close', (code) => cb(code)),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** For tests: the helper's process id, once started (null before, or when it is not used). */
export function helperPid(): number | null {
  return current?.alive ? current.pid : null;
}

/**
 * CPU ms of the programs this thread's helpers ran to their end (the decoders' own CPU, which is
 * not ours: they are the helper's children, not this process's). Linux only (/proc); 0 elsewhere.
 */
export function launchedCpuMs(): number {
  return decoderCpuMs;
}

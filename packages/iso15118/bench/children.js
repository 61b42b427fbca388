// The bench's child processes (echo-server.js, layer-server.js, evse-server.js, evse20-server.js):
// forked with an IPC channel; a child answers each request message with a reply of a known type.
import { fork } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

const cpuUs = (u) => u.user + u.system;

/**
 * Forks `script` (relative to this folder); `call(msg, replyType)` sends and waits for the reply of
 * that type (rejects if the child exits first), `shutdown()` asks it to stop and returns its last
 * word ({ type: 'bye', … }), killing it if it does not exit.
 */
export function spawnChild(script) {
  const proc = fork(new URL(script, import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map();
  proc.on('message', (m) => {
    const w = waiting.get(m.type);
    if (w) {
      waiting.delete(m.type);
      w(m);
    }
  });
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  const call = (msg, replyType) =>
    Promise.race([
      new Promise((resolve) => {
        waiting.set(replyType, resolve);
        proc.send(msg);
      }),
      exited.then((code) => {
        throw new Error(`${script} exited (${code}) before answering ${msg.type}`);
      }),
    ]);
  return {
    send: (msg) => proc.send(msg),
    call,
    /** the child's CPU time so far, µs */
    cpu: async () => cpuUs((await call({ type: 'cpu' }, 'cpu')).usage),
    async shutdown() {
      const bye = new Promise((resolve) => waiting.set('bye', resolve));
      proc.send({ type: 'shutdown' });
      const reply = await Promise.race([bye, exited.then(() => undefined), sleep(10_000).then(() => undefined)]);
      await Promise.race([exited, sleep(5_000)]);
      if (proc.exitCode === null && proc.signalCode === null) proc.kill();
      return reply;
    },
  };
}

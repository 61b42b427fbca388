// The runner's side of a process's control API (@v2xsim/process control-api.ts): GET /health,
// POST /actions/<name>, and the live GET /trace stream.
import { request } from 'node:http';
import type { TraceEvent } from '@v2xsim/trace';

/** A control API call refused or failed: the status (0 = no answer) and the process's message. */
export class ControlCallError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ControlCallError';
  }
}

function call(method: 'GET' | 'POST', url: string, body?: unknown, timeoutMs = 5000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(url, { method, headers: payload !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}, timeout: timeoutMs }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (s: string) => (text += s));
      res.on('end', () => {
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : {};
        } catch {
          json = { message: text };
        }
        if ((res.statusCode ?? 0) >= 400) reject(new ControlCallError(res.statusCode ?? 0, String((json as { message?: unknown }).message ?? text)));
        else resolve(json);
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => reject(new ControlCallError(0, e.message)));
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

export const getHealth = (control: string): Promise<Record<string, unknown>> => call('GET', `${control}/health`, undefined, 2000) as Promise<Record<string, unknown>>;

export const postAction = (control: string, action: string, body?: Record<string, unknown>): Promise<Record<string, unknown>> =>
  call('POST', `${control}/actions/${action}`, body ?? {}) as Promise<Record<string, unknown>>;

export interface TraceStream {
  /** resolves when the stream ends (the process closed it or went away) */
  readonly ended: Promise<void>;
  close(): void;
}

/**
 * Follows GET /trace: every event as it happens, `history` past ones first. Bad lines are
 * reported through `onProblem`, never fatal.
 */
export function followTrace(control: string, onEvent: (e: TraceEvent) => void, opts: { history?: number; onProblem?: (message: string) => void } = {}): TraceStream {
  let close = () => {};
  const ended = new Promise<void>((resolve) => {
    const req = request(`${control}/trace?history=${opts.history ?? 10_000}`, { method: 'GET' }, (res) => {
      if (res.statusCode !== 200) {
        opts.onProblem?.(`GET /trace: HTTP ${res.statusCode}`);
        res.resume();
        resolve();
        return;
      }
      let rest = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        rest += chunk;
        let nl: number;
        while ((nl = rest.indexOf('\n')) >= 0) {
          const line = rest.slice(0, nl);
          rest = rest.slice(nl + 1);
          if (line.trim() === '') continue;
          try {
            onEvent(JSON.parse(line) as TraceEvent);
          } catch {
            opts.onProblem?.(`GET /trace: not JSON: ${line.slice(0, 80)}`);
          }
        }
      });
      res.on('close', () => resolve());
      res.on('error', () => resolve());
    });
    req.on('error', (e) => {
      opts.onProblem?.(`GET /trace: ${e.message}`);
      resolve();
    });
    req.end();
    close = () => req.destroy();
  });
  return { ended, close: () => close() };
}

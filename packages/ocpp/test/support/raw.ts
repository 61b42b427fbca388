// A bare WebSocket peer for tests: sends any text (also broken OCPP-J) and reads frames back.
import WebSocket from 'ws';

export class RawPeer {
  private readonly inbox: string[] = [];
  private readonly waiters: Array<(text: string) => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = (data as Buffer).toString('utf8');
      const w = this.waiters.shift();
      if (w) w(text);
      else this.inbox.push(text);
    });
  }

  static open(url: string, protocols: string[], headers: Record<string, string> = {}): Promise<RawPeer> {
    const ws = new WebSocket(url, protocols, { headers });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new RawPeer(ws)));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  sendText(text: string): void {
    this.ws.send(text);
  }

  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** The next frame received, parsed (rejects after `ms`). */
  next(ms = 2000): Promise<unknown[]> {
    const queued = this.inbox.shift();
    if (queued !== undefined) return Promise.resolve(JSON.parse(queued) as unknown[]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`no frame within ${ms} ms`));
      }, ms);
      const waiter = (text: string): void => {
        clearTimeout(timer);
        resolve(JSON.parse(text) as unknown[]);
      };
      this.waiters.push(waiter);
    });
  }

  /** Resolves true when nothing arrives within `ms`. */
  async silentFor(ms: number): Promise<boolean> {
    try {
      await this.next(ms);
      return false;
    } catch {
      return true;
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

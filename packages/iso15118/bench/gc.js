// Garbage-collection pauses of this process while a window is open (PerformanceObserver 'gc').
import { PerformanceObserver } from 'node:perf_hooks';

/** Starts counting GC pauses; the returned function stops and gives their total, longest and count (ms). */
export function watchGc() {
  const gc = { totalMs: 0, maxMs: 0, count: 0 };
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.totalMs += e.duration;
      gc.maxMs = Math.max(gc.maxMs, e.duration);
      gc.count++;
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  return () => {
    obs.disconnect();
    return gc;
  };
}

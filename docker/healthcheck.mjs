// The container health check: GET a control API's /health (default the one this container's role
// serves), healthy on HTTP 200 with {"status":"ok"}. Usage: node docker/healthcheck.mjs [URL]
/* global fetch, AbortSignal */
const url = process.argv[2] ?? `http://127.0.0.1:${process.env.V2XSIM_CONTROL_PORT ?? 7100}/health`;
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
  const body = await res.json();
  if (res.status !== 200 || body.status !== 'ok') throw new Error(`HTTP ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
  process.exit(0);
} catch (e) {
  console.error(`unhealthy: ${url}: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}

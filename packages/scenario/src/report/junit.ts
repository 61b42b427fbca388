// JUnit XML for CI: one <testsuite> per scenario, one <testcase> per expectation (and one for the
// run itself when it could not complete), failures with the expectation's message.
import type { RunResult } from '../run-types.js';

const xml = (s: string): string =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // XML 1.0 forbids most control characters
    .replace(/[^\t\n\r\u{20}-\u{10FFFF}]/gu, '');

export function junitXml(runs: readonly RunResult[]): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const tests = runs.reduce((a, r) => a + r.expectations.length + 1, 0);
  const failures = runs.reduce((a, r) => a + r.expectations.filter((x) => !x.ok).length + (r.error ? 1 : 0), 0);
  const time = runs.reduce((a, r) => a + r.wallMs, 0) / 1000;
  lines.push(`<testsuites name="v2xsim run" tests="${tests}" failures="${failures}" time="${time.toFixed(3)}">`);
  for (const r of runs) {
    const name = r.loaded.scenario.name;
    const fails = r.expectations.filter((x) => !x.ok).length + (r.error ? 1 : 0);
    lines.push(`  <testsuite name="${xml(name)}" tests="${r.expectations.length + 1}" failures="${fails}" time="${(r.wallMs / 1000).toFixed(3)}" timestamp="${r.startedAt}" file="${xml(r.loaded.file)}">`);
    lines.push(`    <properties><property name="trace" value="${xml(r.tracePath)}"/><property name="speed" value="${r.speed}"/><property name="simSeconds" value="${r.simS.toFixed(1)}"/></properties>`);
    lines.push(`    <testcase classname="${xml(name)}" name="run" time="${(r.wallMs / 1000).toFixed(3)}">`);
    if (r.error) lines.push(`      <failure message="${xml(r.error)}" type="run"/>`);
    const failedSteps = r.steps.filter((s) => !s.ok);
    if (failedSteps.length) lines.push(`      <system-out>${xml(failedSteps.map((s) => `step ${s.index + 1} ${s.name}: ${s.detail}`).join('\n'))}</system-out>`);
    lines.push('    </testcase>');
    for (const x of r.expectations) {
      lines.push(`    <testcase classname="${xml(name)}" name="${xml(x.name)}">`);
      if (!x.ok) lines.push(`      <failure message="${xml(x.message)}" type="${xml(x.kind)}"/>`);
      else lines.push(`      <system-out>${xml(x.message)}</system-out>`);
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

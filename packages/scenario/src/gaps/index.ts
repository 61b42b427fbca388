// `v2xsim gaps` (issue 7 item 8): a matrix of protocol stacks run as scenarios, their traces read
// into a data object × actor table, next to SCALE D2.3 §8's conclusions (docs/gaps.md).
export * from './section8.js';
export * from './known-differences.js';
export * from './matrix.js';
export * from './observe.js';
export * from './compare.js';
export * from './findings.js';
export * from './report.js';
export { gapReportMarkdown, verdictLine } from './markdown.js';
export { gapReportHtml } from './html.js';
export * from './run-matrix.js';

// The report's style sheet, inlined into report.html so the page needs no network. Plain CSS:
// a sticky summary bar, a verdict banner, cards per scenario, colour-coded statuses and matrix.

export const STYLE = `
:root {
  --bg: #f4f6f8; --surface: #ffffff; --border: #e1e5ea; --ink: #1f2933; --muted: #5f6b7a;
  --accent: #2563eb;
  --pass: #1f7a4a; --pass-bg: #e3f6eb; --fail: #c53030; --fail-bg: #fde8e8;
  --unknown: #9a6700; --unknown-bg: #fff4d6; --skip: #5f6b7a; --skip-bg: #eceff3;
  --expected: #3b4cca; --expected-bg: #e6e9fc;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html { scroll-padding-top: 72px; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 15px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code, pre, .mono { font-family: var(--mono); font-size: 13px; }
h2 { font-size: 22px; margin: 40px 0 12px; letter-spacing: -0.01em; }
h3 { font-size: 18px; margin: 0; }
h4 { font-size: 15px; margin: 20px 0 8px; }
p { margin: 6px 0; }
.muted { color: var(--muted); }
.small { font-size: 13px; }

.topbar { position: sticky; top: 0; z-index: 10; background: var(--surface); border-bottom: 1px solid var(--border); box-shadow: 0 1px 3px rgba(15, 23, 42, 0.06); }
.topbar-inner { max-width: 1240px; margin: 0 auto; padding: 10px 24px; display: flex; align-items: center; gap: 16px; flex-wrap: wrap; }
.brand { font-weight: 700; font-size: 17px; letter-spacing: -0.02em; }
.brand span { color: var(--muted); font-weight: 400; }
.facts { display: flex; gap: 14px; color: var(--muted); font-size: 13px; flex-wrap: wrap; }
.facts b { color: var(--ink); font-weight: 600; }
.nav { margin-left: auto; display: flex; gap: 14px; font-size: 14px; }

main { max-width: 1240px; margin: 0 auto; padding: 24px 24px 64px; }

.badge { display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: 0.03em; white-space: nowrap; }
.badge.passed { background: var(--pass-bg); color: var(--pass); }
.badge.failed { background: var(--fail-bg); color: var(--fail); }
.badge.unknown { background: var(--unknown-bg); color: var(--unknown); }
.badge.skipped { background: var(--skip-bg); color: var(--skip); }
.chip { display: inline-block; padding: 1px 8px; margin: 2px 4px 2px 0; border: 1px solid var(--border); border-radius: 6px; background: #f8fafc; font-family: var(--mono); font-size: 12px; }
.chip.allowed { border-color: #c7d2fe; background: var(--expected-bg); }
.chip.disallowed { border-color: #f5b5b5; background: var(--fail-bg); color: var(--fail); }

.verdict { display: grid; grid-template-columns: minmax(260px, 1fr) 2fr; gap: 24px; background: var(--surface); border: 1px solid var(--border); border-left: 8px solid var(--skip); border-radius: 10px; padding: 24px 28px; }
.verdict.passed { border-left-color: var(--pass); }
.verdict.failed { border-left-color: var(--fail); }
.verdict.unknown { border-left-color: var(--unknown); }
.verdict h1 { margin: 0; font-size: 44px; line-height: 1.1; letter-spacing: -0.03em; }
.verdict.passed h1 { color: var(--pass); }
.verdict.failed h1 { color: var(--fail); }
.verdict.unknown h1 { color: var(--unknown); }
.verdict .exit { margin-top: 10px; font-family: var(--mono); font-size: 13px; color: var(--muted); }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 12px; align-content: start; }
.tile { border: 1px solid var(--border); border-radius: 8px; padding: 10px 14px; }
.tile .n { font-size: 24px; font-weight: 700; }
.tile .l { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; }
.failures { grid-column: 1 / -1; margin: 0; padding: 12px 16px; background: var(--fail-bg); border-radius: 8px; list-style: none; }
.failures li { margin: 4px 0; }

.replay { display: flex; align-items: center; gap: 12px; background: #0f172a; color: #e2e8f0; border-radius: 8px; padding: 12px 16px; margin-top: 16px; }
.replay code { flex: 1; overflow-x: auto; white-space: pre; font-size: 14px; }
.replay .label { color: #94a3b8; font-size: 12px; text-transform: uppercase; letter-spacing: 0.05em; }
.replay button { display: none; background: #334155; color: #e2e8f0; border: 0; border-radius: 6px; padding: 5px 10px; font: inherit; font-size: 13px; cursor: pointer; }
.js .replay button { display: inline-block; }

.card { background: var(--surface); border: 1px solid var(--border); border-radius: 10px; padding: 20px 24px; margin: 16px 0; }
.card-head { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
.card-head .anchor { color: var(--muted); font-weight: 400; }
.card-head .meta { margin-left: auto; color: var(--muted); font-size: 13px; }
.promise { border-left: 3px solid var(--border); padding-left: 12px; margin: 10px 0; }
.notice { padding: 10px 14px; border-radius: 8px; background: var(--skip-bg); margin: 10px 0; }
.notice.warn { background: var(--unknown-bg); }
.notice.bad { background: var(--fail-bg); }

table.grid { width: 100%; border-collapse: collapse; font-size: 14px; background: var(--surface); }
table.grid th, table.grid td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--border); vertical-align: top; }
table.grid th { font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); font-weight: 600; background: #f8fafc; }
table.grid td.num, table.grid th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.grid tr:last-child td { border-bottom: 0; }
.table-wrap { border: 1px solid var(--border); border-radius: 10px; overflow: hidden; overflow-x: auto; }
table.evidence { font-size: 13px; }
table.evidence td.value { font-family: var(--mono); font-size: 12px; word-break: break-all; max-width: 420px; }
tr.ok td:first-child { box-shadow: inset 3px 0 var(--pass); }
tr.fail td:first-child { box-shadow: inset 3px 0 var(--fail); }
tr.info td:first-child { box-shadow: inset 3px 0 #e09b1a; }

.anomaly-type { margin-top: 18px; }
.anomaly { border: 1px solid var(--border); border-radius: 8px; padding: 10px 14px; margin: 8px 0; }
.anomaly.disallowed { border-left: 4px solid var(--fail); }
.anomaly.allowed { border-left: 4px solid var(--expected); }
.anomaly .sentence { font-size: 15px; margin-bottom: 8px; }

.compare { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.compare > div { min-width: 0; }
@media (max-width: 820px) { .compare, .verdict { grid-template-columns: 1fr; } }

figure { margin: 16px 0; }
figure svg { display: block; width: 100%; height: auto; border: 1px solid var(--border); border-radius: 8px; }
figcaption { font-size: 13px; color: var(--muted); margin-top: 6px; }

.matrix { table-layout: fixed; }
.matrix th.row { width: 210px; text-transform: none; letter-spacing: 0; font-size: 13px; color: var(--ink); font-family: var(--mono); }
.matrix td { padding: 6px; }
.cell { border-radius: 6px; padding: 6px 8px; font-size: 12px; line-height: 1.35; min-height: 52px; }
.cell .verdict-word { font-weight: 700; font-size: 12px; text-transform: uppercase; letter-spacing: 0.03em; }
.cell .po { display: flex; justify-content: space-between; gap: 6px; color: var(--muted); }
.cell .po b { color: var(--ink); font-weight: 600; }
.cell.conforming { background: var(--pass-bg); }
.cell.conforming .verdict-word { color: var(--pass); }
.cell.expected { background: var(--expected-bg); }
.cell.expected .verdict-word { color: var(--expected); }
.cell.not-shown { background: #f6f1e4; }
.cell.not-shown .verdict-word { color: #8a6d1f; }
.cell.violation { background: var(--fail); color: #fff; }
.cell.violation .po, .cell.violation .po b, .cell.violation a { color: #fff; }
.cell.undecided { background: var(--unknown-bg); }
.cell.undecided .verdict-word { color: var(--unknown); }
.cell.not-run { background: repeating-linear-gradient(135deg, #f1f3f6 0 6px, #e8ebef 6px 12px); color: var(--muted); }
.cell.absent { color: var(--border); text-align: center; }
.legend { display: flex; flex-wrap: wrap; gap: 10px; margin: 10px 0; font-size: 13px; }
.legend .cell { min-height: 0; padding: 3px 10px; }

details { margin: 10px 0; }
summary { cursor: pointer; color: var(--accent); font-size: 14px; }
pre.block { background: #f8fafc; border: 1px solid var(--border); border-radius: 8px; padding: 10px 12px; overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; font-size: 14px; }
dl.kv dt { color: var(--muted); }
dl.kv dd { margin: 0; font-family: var(--mono); font-size: 13px; word-break: break-all; }
footer { max-width: 1240px; margin: 0 auto; padding: 0 24px 40px; color: var(--muted); font-size: 13px; }
@media print { .topbar { position: static; } .replay button { display: none !important; } }
`;

/** The report's stylesheet: inline, system fonts only, A4 print rules. */
export const REPORT_CSS = `
:root { --ink: #1a1a1a; --muted: #555; --rule: #d0d0d0; --band: #f4f6f8; --accent: #0b6fb8; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 980px; padding: 24px 28px 40px; color: var(--ink); background: #fff;
  font-family: "Liberation Sans", Arial, Helvetica, sans-serif; font-size: 14px; line-height: 1.45; }
h1 { font-size: 26px; line-height: 1.2; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); break-after: avoid; page-break-after: avoid; }
h3 { font-size: 15px; margin: 14px 0 4px; break-after: avoid; page-break-after: avoid; }
p { margin: 6px 0; }
code, pre { font-family: "Liberation Mono", "DejaVu Sans Mono", Consolas, monospace; font-size: 12px; }
pre.command { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--band); border: 1px solid var(--rule); padding: 6px 8px; margin: 2px 0 0; }
.lede { color: var(--muted); font-size: 15px; margin: 0 0 14px; }
header.report { border-bottom: 3px solid var(--ink); padding-bottom: 12px; }
dl.run { display: grid; grid-template-columns: max-content 1fr; gap: 3px 14px; margin: 10px 0 0; }
dl.run dt { font-weight: bold; }
dl.run dd { margin: 0; }
.scenarios { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 12px; margin-top: 12px; }
.scenario { border: 1px solid var(--rule); border-left-width: 6px; padding: 8px 12px; break-inside: avoid; page-break-inside: avoid; }
.scenario h3 { margin-top: 0; }
.scenario .role { font-weight: normal; color: var(--muted); font-size: 12px; }
.scenario ul { margin: 4px 0 0; padding-left: 18px; }
.scenario li { margin: 2px 0; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; vertical-align: -1px; margin-right: 6px; }
.howto h2 { margin-top: 10px; }
.howto { background: var(--band); border: 1px solid var(--rule); padding: 2px 14px 8px; margin-top: 18px; break-inside: avoid; page-break-inside: avoid; }
.charts { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 14px 18px; }
figure.chart { margin: 0; break-inside: avoid; page-break-inside: avoid; }
figure.chart.wide { grid-column: 1 / -1; }
figure.chart svg { display: block; width: 100%; height: auto; }
figure.chart figcaption { display: block; margin-bottom: 4px; }
figure.chart figcaption .title { display: block; font-weight: bold; font-size: 15px; }
figure.chart figcaption .desc { display: block; color: var(--muted); font-size: 12px; line-height: 1.35; }
figure.chart figcaption .key { display: flex; flex-wrap: wrap; gap: 2px 14px; font-size: 12px; margin-top: 3px; }
figure.chart figcaption .k { white-space: nowrap; }
figure.chart figcaption i { display: inline-block; vertical-align: middle; margin-right: 5px; }
figure.chart figcaption i.line { width: 18px; height: 0; border-top: 3px solid; }
figure.chart figcaption i.band { width: 18px; height: 12px; background: linear-gradient(to bottom, rgba(0,0,0,.13) 0 25%, rgba(0,0,0,.32) 25% 75%, rgba(0,0,0,.13) 75%); }
figure.chart figcaption i.sq { width: 12px; height: 12px; }
figure.chart figcaption i.dash { width: 18px; height: 0; border-top: 2px dashed #555; }
figure.chart .missing { border: 1px dashed var(--rule); padding: 24px 12px; color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: 12px; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 3px 6px; vertical-align: top; }
thead th { border-bottom: 2px solid var(--ink); text-align: right; white-space: nowrap; }
thead th:first-child, thead th.left { text-align: left; }
td.num { text-align: right; white-space: nowrap; }
td.num.better { background: #e3f1e3; }
table.backtest { margin: 8px 0 14px; }
td.num .r { display: block; color: var(--muted); font-size: 10.5px; }
tr.group th { text-align: left; background: var(--band); font-size: 13px; padding-top: 6px; }
tr { break-inside: avoid; page-break-inside: avoid; }
thead { display: table-header-group; }
td.kpi .unit, td.kpi .cmp { display: block; color: var(--muted); font-size: 10.5px; }
td.kpi .cmp { color: #6a3d9a; }
tr.first td { border-top: 1px solid #bdbdbd; }
.note { color: var(--muted); font-size: 12px; }
ul.notes { padding-left: 18px; }
ul.notes li { margin: 3px 0; }
footer { margin-top: 28px; border-top: 1px solid var(--rule); padding-top: 6px; color: var(--muted); font-size: 12px; }
@page { size: A4; margin: 14mm 12mm 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h1 { font-size: 20pt; }
  h2 { font-size: 14pt; margin-top: 16px; }
  .charts { gap: 10px 14px; }
  figure.chart figcaption .title { font-size: 11pt; }
  figure.chart figcaption .desc, figure.chart figcaption .key { font-size: 8pt; }
  section.kpi-table { break-before: page; page-break-before: always; }
  table { font-size: 8.5pt; }
  td.num .r, td.kpi .unit, td.kpi .cmp { font-size: 7.5pt; }
  a { color: inherit; text-decoration: none; }
}
`;

// report.html from a hand-built run: verdict first, the matrix, specs and scenarios with evidence,
// the shrunk schedule beside the original, the timeline and charts, and hostile values escaped.
import { describe, expect, it } from "vitest";
import type { MatrixCell, RunResult } from "../../harness/run/result.ts";
import { fixtureRun, HOSTILE } from "../test-fixtures.ts";
import { cellOutcome, matrixSummary } from "./matrix.ts";
import { Anchors } from "./parts.ts";
import { renderHtmlReport } from "./report.ts";

async function render(change: (result: RunResult) => void = () => {}) {
  const fixture = fixtureRun();
  change(fixture.result);
  const page = await renderHtmlReport(fixture.result, (path) => {
    const events = fixture.histories.get(path);
    if (!events) throw new Error(`no history at ${path}`);
    return events;
  });
  return { page, result: fixture.result };
}

/** The text between `<tag id="id"` and the tag's next sibling section, roughly: for local assertions. */
function section(page: string, id: string): string {
  const start = page.indexOf(`id="${id}"`);
  expect(start).toBeGreaterThan(-1);
  return page.slice(start, page.indexOf("</section>", start));
}

describe("renderHtmlReport", () => {
  it("is one self-contained page that leads with the verdict and the exit code", async () => {
    const { page } = await render();
    expect(page.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(page).not.toMatch(/<(link|img|iframe)\b|\bsrc=|url\(http|@import/i);
    const verdict = section(page, "verdict");
    expect(page.indexOf('id="verdict"')).toBeLessThan(page.indexOf('id="matrix"'));
    expect(verdict).toContain("<h1>Failed</h1>");
    expect(verdict).toContain("exit code 1 · an anomaly was found");
    expect(verdict).toContain("1 of 3 specs and 1 of 3 scenarios");
    expect(page).toContain('<code id="replay-command">npx kconform run --target reference --seed 424242</code>');
  });

  it("names the failing specs and scenarios in the verdict, gravest anomaly first, linked to their sections", async () => {
    const { page } = await render();
    const verdict = section(page, "verdict");
    expect(verdict).toContain('href="#spec-offsets-strictly-increasing"');
    expect(verdict).toMatch(/href="#scenario-unclean-election-acks-1-script-alert-pwned-script-amp"><b>[^<]+<\/b><\/a> — Op \d+ sent \d+ to t-\d and it was acknowledged/);
    expect(page).toContain('id="scenario-unclean-election-acks-1-script-alert-pwned-script-amp"');
    expect(page).toContain('id="spec-offsets-strictly-increasing"');
  });

  it("shows a passed and an unknown run as such", async () => {
    const passed = await render((r) => Object.assign(r, { status: "passed", exitCode: 0 }));
    expect(section(passed.page, "verdict")).toContain("<h1>Passed</h1>");
    expect(section(passed.page, "verdict")).toContain("exit code 0 · all checks passed");
    const unknown = await render((r) => Object.assign(r, { status: "unknown", exitCode: 2 }));
    expect(section(unknown.page, "verdict")).toContain("<h1>Unknown</h1>");
  });

  it("draws the guarantee matrix with predicted and observed side by side, coloured by meaning", async () => {
    const { page, result } = await render();
    const matrix = section(page, "matrix");
    expect(matrix.match(/<div class="cell (conforming|expected|not-shown|violation|undecided|not-run)"/g)).toHaveLength(result.matrix!.length);
    expect(matrix).toContain('<div class="cell violation"');
    expect(matrix).toContain("acks=all · minISR=2 · unclean=off");
    expect(matrix).toMatch(/<span>predicted<\/span><b>no loss<\/b><\/div><div class="po"><span>observed<\/span><b>loss ×1<\/b>/);
    expect(matrix).toContain(`href="#scenario-unclean-election-acks-1-script-alert-pwned-script-amp"`);
  });

  it("says in each cell's title why the documentation predicts what it does, and why a cell did not run", async () => {
    const { page } = await render((result) => {
      Object.assign(result.matrix![0], { reason: "acks=0 waits for no acknowledgement at all.", observed: "not-run", note: "needs dedicated controllers" });
    });
    const matrix = section(page, "matrix");
    expect(matrix).toMatch(/title="this cell did not run — documented: acks=0 waits for no acknowledgement at all\. — needs dedicated controllers"/);
    expect(matrix).toMatch(/<li><b>(no loss|loss possible)<\/b>: acks=0 waits for no acknowledgement at all\. <span class="muted small">\(acks=0 · minISR=1 · unclean=off · none\)<\/span><\/li>/);
  });

  it("classifies matrix cells: loss where promised none is a violation, predicted loss seen is expected", () => {
    const cell = (predicted: MatrixCell["predicted"], observed: MatrixCell["observed"]): MatrixCell => ({ acks: "1", minInsyncReplicas: 1, uncleanElection: false, fault: "leader-kill", predicted, observed });
    expect(cellOutcome(cell("no-loss", "no-loss"))).toBe("conforming");
    expect(cellOutcome(cell("no-loss", "loss"))).toBe("violation");
    expect(cellOutcome(cell("loss-possible", "loss"))).toBe("expected");
    expect(cellOutcome(cell("loss-possible", "no-loss"))).toBe("not-shown");
    expect(cellOutcome(cell("no-loss", "unknown"))).toBe("undecided");
    expect(cellOutcome(cell("loss-possible", "not-run"))).toBe("not-run");
    expect(matrixSummary([cell("no-loss", "loss"), cell("no-loss", "no-loss"), cell("no-loss", "no-loss")])).toEqual([
      ["conforming", 2],
      ["violation", 1],
    ]);
  });

  it("lists every spec with status and duration, and why a spec failed or was skipped", async () => {
    const { page } = await render();
    const specs = section(page, "specs");
    expect(specs.match(/<span class="badge (passed|failed|skipped)">/g)).toEqual([
      '<span class="badge passed">',
      '<span class="badge failed">',
      '<span class="badge skipped">',
    ]);
    expect(specs).toContain("4.87 s");
    expect(specs).toContain("offset 4 of t-0 was returned with two different values");
    expect(specs).toContain("the target does not allow changing topic configuration");
  });

  it("explains each anomaly with its sentence and the cited operations as a table", async () => {
    const { page, result } = await render();
    const lossy = result.scenarios[1];
    const card = section(page, "scenario-unclean-election-acks-1-script-alert-pwned-script-amp");
    const lost = lossy.check.anomalies["lost-write"]![0];
    expect(card).toContain(`<p class="sentence">${lost.explanation}</p>`);
    for (const op of lost.ops) expect(card).toMatch(new RegExp(`<tr class="(ok|fail|info)"><td class="num">${op}</td>`));
    expect(card).toContain('<code>lost-write</code> ×2 <span class="chip disallowed">not allowed</span>');
    expect(card.indexOf("<code>lost-write</code>")).toBeLessThan(card.indexOf("<code>unseen</code>"));
    expect(card.indexOf("<code>unseen</code>")).toBeLessThan(card.indexOf("<code>duplicate</code>"));
    expect(card).toContain('<code>duplicate</code> ×1 <span class="chip allowed">allowed here</span>');
  });

  it("shows the minimal failing schedule next to the original", async () => {
    const { page } = await render();
    const card = section(page, "scenario-unclean-election-acks-1-script-alert-pwned-script-amp");
    expect(card).toContain("Minimal failing schedule");
    expect(card).toContain("Shrinking ran 14 runs in 41.0 s");
    expect(card).toMatch(/<b>Original<\/b> · 3 faults[\s\S]*<b>Minimal<\/b> · 1 faults/);
    expect(card).toContain("Anomalies of the minimal run (lost-write, unseen)");
  });

  it("draws a timeline, a latency and a throughput chart for each scenario that ran", async () => {
    const { page } = await render();
    expect(page.match(/<svg [^>]*class="timeline"/g)).toHaveLength(2);
    expect(page.match(/<svg [^>]*class="chart latency-chart"/g)).toHaveLength(2);
    expect(page.match(/<svg [^>]*class="chart throughput-chart"/g)).toHaveLength(2);
    expect(page).toContain("All 878 operations of 6 client processes.");
  });

  it("shows a skipped scenario with its reason and no plots", async () => {
    const { page } = await render();
    const card = section(page, "scenario-broker-partition-halves");
    expect(card).toContain("Skipped: network namespaces need CAP_NET_ADMIN");
    expect(card).not.toContain("<svg");
  });

  it("still renders when a history is missing, and says so", async () => {
    const { page } = await render((r) => {
      r.scenarios[0].history = "histories/gone.jsonl";
    });
    expect(section(page, "scenario-leader-kill-acks-all")).toContain("The history could not be drawn: <span class=\"mono\">no history at histories/gone.jsonl</span>");
  });

  it("escapes every value from results and histories", async () => {
    const { page } = await render();
    expect(page.split("<script>")).toHaveLength(2); // only the report's own script
    expect(page).not.toContain(HOSTILE);
    expect(page).toContain("&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;&amp;amp;");
    expect(page).not.toContain("javascript:");
    expect(page).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; script-src 'sha256-[A-Za-z0-9+/=]+';/);
  });

  it("shows the target, its versions and configuration, and the seed", async () => {
    const { page } = await render();
    const env = section(page, "environment");
    expect(env).toContain("<dt>broker version</dt><dd>kconform-reference 0.1.0</dd>");
    expect(env).toContain("<dt>client kafkajs</dt><dd>2.2.4</dd>");
    expect(env).toContain("<dt>default.replication.factor</dt><dd>3</dd>");
    expect(env).toContain("<dt>seed</dt><dd>424242</dd>");
  });
});

describe("Anchors", () => {
  it("makes readable ids that stay unique when names collide", () => {
    const anchors = new Anchors();
    expect(anchors.id("scenario", "a b")).toBe("scenario-a-b");
    expect(anchors.id("scenario", "a/b")).toBe("scenario-a-b-2");
    expect(anchors.id("scenario", "a b")).toBe("scenario-a-b");
    expect(anchors.id("spec", "<>")).toBe("spec-unnamed");
  });
});

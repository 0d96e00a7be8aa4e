// junit.xml: well-formed whatever the values, counted right, failures carrying the anomaly
// sentences, skips their reasons, and the seed among the properties. The small well-formedness
// checker it relies on is tested against documents it must reject.
import { describe, expect, it } from "vitest";
import { fixtureRun, HOSTILE } from "../test-fixtures.ts";
import { renderJunitXml } from "./junit.ts";
import { xmlProblem } from "./xml-well-formed.ts";

describe("renderJunitXml", () => {
  const { result } = fixtureRun();
  const xml = renderJunitXml(result);

  it("is well-formed XML even with hostile values and control characters", () => {
    expect(xmlProblem(xml)).toBeUndefined();
    expect(xml).not.toContain(HOSTILE);
    const nasty = fixtureRun().result;
    nasty.specs[1].error = "bell\u0007 nul\u0000 ]]> lone\uD800 \"quoted\" 'single' <tag> & done";
    expect(xmlProblem(renderJunitXml(nasty))).toBeUndefined();
  });

  it("has a testsuite per kind with the right counts", () => {
    expect(xml).toContain('<testsuites name="kconform" tests="6" failures="2" errors="0" skipped="2" time="95.300"');
    expect(xml).toContain('<testsuite name="specs" tests="3" failures="1" errors="0" skipped="1" time="7.180"');
    expect(xml).toContain('<testsuite name="scenarios" tests="3" failures="1" errors="0" skipped="1" time="21.300"');
    expect(xml.match(/<testcase /g)).toHaveLength(6);
  });

  it("puts the anomaly sentences in the failure, the gravest as its message", () => {
    const lossy = result.scenarios[1];
    const lost = lossy.check.anomalies["lost-write"]![0].explanation;
    const failure = xml.slice(xml.indexOf('<failure message="Op'), xml.indexOf("</failure>", xml.indexOf('<failure message="Op')));
    expect(failure).toContain(`message="${lost}" type="lost-write"`);
    expect(failure).toContain("Anomalies not allowed here: lost-write ×2, unseen ×1.");
    for (const anomaly of lossy.check.anomalies["lost-write"]!) expect(failure).toContain(`[lost-write] ${anomaly.explanation}`);
    expect(failure).not.toContain("[duplicate]");
    expect(failure).toContain("Shrunk in 14 runs to a schedule of 1 fault(s)");
  });

  it("reports skips with their reasons, an undecided check as an error, and the seed as a property", () => {
    expect(xml).toContain('<skipped message="network namespaces need CAP_NET_ADMIN &lt;script&gt;');
    expect(xml).toContain('<skipped message="the target does not allow changing topic configuration"/>');
    expect(xml.match(/<property name="seed" value="424242"\/>/g)).toHaveLength(2);
    expect(xml).toContain('<property name="replay" value="npx kconform run --target reference --seed 424242"/>');
    const undecided = fixtureRun().result;
    undecided.scenarios[0].status = "unknown";
    undecided.scenarios[0].check["unknown-reasons"] = ["the final read\ntimed out"];
    const text = renderJunitXml(undecided);
    expect(text).toContain('<error message="the final read&#10;timed out" type="unknown">the final read\ntimed out</error>');
    expect(text).toContain('<testsuite name="scenarios" tests="3" failures="1" errors="1" skipped="1"');
  });
});

describe("xmlProblem", () => {
  it("accepts a well-formed document", () => {
    expect(xmlProblem('<?xml version="1.0"?>\n<a x="1" y=\'&amp;\'><b/><!-- c --><c>&#10;&lt;</c></a>\n')).toBeUndefined();
  });

  it.each([
    ["<a><b></a></b>", "closes"],
    ["<a>", "never closed"],
    ["<a/><b/>", "second root"],
    ['<a x="1" x="2"/>', "duplicate attribute"],
    ["<a>&nbsp;</a>", 'bare "&"'],
    ["<a>x & y</a>", 'bare "&"'],
    ['<a x="<"/>', "malformed start tag"],
    ["<a>\u0001</a>", "forbidden character"],
    ["text<a/>", "outside the root"],
    ["", "no root"],
  ])("rejects %j", (text, problem) => {
    expect(xmlProblem(text)).toContain(problem);
  });
});

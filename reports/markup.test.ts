// Escaping is the reports' defence against hostile history values: nothing interpolated may open a
// tag, close an attribute, or carry a character XML forbids.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { xmlProblem } from "./junit/xml-well-formed.ts";
import { escapeMarkup, html, trusted } from "./markup.ts";

function unescape(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
}

describe("escapeMarkup", () => {
  it("escapes the five markup characters", () => {
    expect(escapeMarkup(`<script>alert("x" + 'y')</script> & co`)).toBe("&lt;script&gt;alert(&quot;x&quot; + &#39;y&#39;)&lt;/script&gt; &amp; co");
  });

  it("replaces characters XML cannot carry, keeps tabs, newlines and astral characters", () => {
    expect(escapeMarkup("a\u0000b\u001Fc\uFFFEd\uD800e")).toBe("a\uFFFDb\uFFFDc\uFFFDd\uFFFDe");
    expect(escapeMarkup("tab\tline\nreturn\r 😀")).toBe("tab\tline\nreturn\r 😀");
  });

  it("round-trips any text except the forbidden characters, and always yields well-formed XML", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 60 }), (text) => {
        const escaped = escapeMarkup(text);
        expect(escaped).not.toMatch(/[<>"']/);
        expect(xmlProblem(`<a b="${escaped}">${escaped}</a>`)).toBeUndefined();
        const forbidden = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
        expect(unescape(escaped)).toBe(text.replace(forbidden, "\uFFFD"));
      }),
      { numRuns: 200 },
    );
  });
});

describe("html", () => {
  it("escapes interpolated strings and numbers but not nested markup", () => {
    const inner = html`<b>${"<i>"}</b>`;
    expect(html`<p title="${'"x"'}">${inner} ${42}</p>`.text).toBe('<p title="&quot;x&quot;"><b>&lt;i&gt;</b> 42</p>');
  });

  it("renders false, null and undefined as nothing and flattens arrays", () => {
    const show = false;
    expect(html`[${show && html`<x/>`}${null}${undefined}${["<", html`<br>`, ["&"]]}]`.text).toBe("[&lt;<br>&amp;]");
  });

  it("passes constants marked trusted() through", () => {
    expect(html`${trusted("<style>a>b{}</style>")}`.text).toBe("<style>a>b{}</style>");
  });
});

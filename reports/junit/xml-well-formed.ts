// A small XML 1.0 well-formedness check for the tests (no XML parser is installed): one root,
// balanced tags, quoted unique attributes, only declared or numeric entities, no forbidden
// characters. It reads the subset kconform writes: declaration, elements, text, comments.

const NAME = "[A-Za-z_:][A-Za-z0-9_:.-]*";
const ATTRIBUTE = new RegExp(`\\s+(${NAME})\\s*=\\s*("[^"<]*"|'[^'<]*')`, "y");
const START_TAG = new RegExp(`<(${NAME})`, "y");
const END_TAG = new RegExp(`</(${NAME})\\s*>`, "y");
const REFERENCE = /&(#[0-9]+|#x[0-9a-fA-F]+|amp|lt|gt|quot|apos);/y;
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Undefined when `text` is a well-formed document, else the first problem and its offset. */
export function xmlProblem(text: string): string | undefined {
  const forbidden = FORBIDDEN.exec(text);
  if (forbidden) return `forbidden character U+${forbidden[0].charCodeAt(0).toString(16)} at ${forbidden.index}`;
  let i = 0;
  if (text.startsWith("<?xml")) {
    const end = text.indexOf("?>");
    if (end < 0) return "unterminated XML declaration";
    i = end + 2;
  }
  const open: string[] = [];
  let roots = 0;
  while (i < text.length) {
    if (text.startsWith("<!--", i)) {
      const end = text.indexOf("-->", i + 4);
      if (end < 0) return `unterminated comment at ${i}`;
      i = end + 3;
    } else if (text.startsWith("</", i)) {
      END_TAG.lastIndex = i;
      const m = END_TAG.exec(text);
      if (!m) return `malformed end tag at ${i}`;
      const expected = open.pop();
      if (expected !== m[1]) return `</${m[1]}> at ${i} closes <${expected ?? "nothing"}>`;
      i = END_TAG.lastIndex;
    } else if (text[i] === "<") {
      START_TAG.lastIndex = i;
      const m = START_TAG.exec(text);
      if (!m) return `malformed tag at ${i}`;
      if (open.length === 0 && ++roots > 1) return `second root element at ${i}`;
      i = START_TAG.lastIndex;
      const seen = new Set<string>();
      for (;;) {
        ATTRIBUTE.lastIndex = i;
        const a = ATTRIBUTE.exec(text);
        if (!a) break;
        if (seen.has(a[1])) return `duplicate attribute ${a[1]} at ${i}`;
        seen.add(a[1]);
        const problem = referencesProblem(a[2].slice(1, -1), i);
        if (problem) return problem;
        i = ATTRIBUTE.lastIndex;
      }
      while (/\s/.test(text[i] ?? "")) i++;
      if (text.startsWith("/>", i)) i += 2;
      else if (text[i] === ">") {
        open.push(m[1]);
        i++;
      } else return `malformed start tag <${m[1]}> at ${i}`;
    } else {
      const end = text.indexOf("<", i);
      const chunk = text.slice(i, end < 0 ? text.length : end);
      if (open.length === 0 && chunk.trim() !== "") return `text outside the root element at ${i}`;
      const problem = referencesProblem(chunk, i);
      if (problem) return problem;
      i += chunk.length;
    }
  }
  if (open.length > 0) return `<${open[open.length - 1]}> never closed`;
  return roots === 1 ? undefined : "no root element";
}

function referencesProblem(chunk: string, offset: number): string | undefined {
  if (chunk.includes(">") && chunk.includes("]]>")) return `"]]>" in text at ${offset}`;
  for (let j = chunk.indexOf("&"); j >= 0; j = chunk.indexOf("&", j + 1)) {
    REFERENCE.lastIndex = j;
    if (!REFERENCE.test(chunk)) return `bare "&" at ${offset + j}`;
  }
  return undefined;
}

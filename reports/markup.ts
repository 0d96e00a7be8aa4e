// Markup built so that nothing from a history can break out of it: every interpolated value is
// escaped unless it is itself Markup, and text that XML forbids is replaced, not passed through.

/** Text already safe to place in HTML, SVG or XML. Only this module and trusted constants make it. */
export class Markup {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** What a template may interpolate: false, null and undefined render as nothing (for `cond && html`...``). */
export type Inline = Markup | string | number | boolean | null | undefined | readonly Inline[];

const SPECIAL = /[&<>"']|[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Escapes text for element content and quoted attributes of HTML, SVG and XML 1.0. Characters XML
 * cannot carry at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF) become U+FFFD.
 */
export function escapeMarkup(text: string): string {
  return text.replace(SPECIAL, (c) => ENTITIES[c] ?? "\uFFFD");
}

function render(value: Inline): string {
  if (value instanceof Markup) return value.text;
  if (value === null || value === undefined || value === false) return "";
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeMarkup(String(value));
}

/** Tagged template: `html`<td>${untrusted}</td>`` escapes `untrusted`; nested Markup passes as is. */
export function html(strings: TemplateStringsArray, ...values: Inline[]): Markup {
  let text = strings[0];
  for (let i = 0; i < values.length; i++) text += render(values[i]) + strings[i + 1];
  return new Markup(text);
}

/** Marks a constant of this code base (a style sheet, a script) as markup. Never for data. */
export function trusted(text: string): Markup {
  return new Markup(text);
}

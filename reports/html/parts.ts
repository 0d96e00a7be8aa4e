// Small pieces the report's sections share: status badges, anchors that stay unique, key/value
// lists and configuration chips.
import type { Status } from "../../harness/run/result.ts";
import { html, type Markup } from "../markup.ts";

export function badge(status: Status): Markup {
  return html`<span class="badge ${status}">${status}</span>`;
}

/** Anchor ids for specs and scenarios: readable, HTML-safe, and unique even when names collide. */
export class Anchors {
  private readonly byKey = new Map<string, string>();
  private readonly used = new Set<string>();

  id(kind: "spec" | "scenario", name: string): string {
    const key = `${kind}\u0000${name}`;
    const known = this.byKey.get(key);
    if (known) return known;
    const base = `${kind}-${name.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "").toLowerCase() || "unnamed"}`;
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}-${n}`;
    this.used.add(id);
    this.byKey.set(key, id);
    return id;
  }
}

export function keyValues(entries: readonly [string, unknown][]): Markup {
  return html`<dl class="kv">${entries.map(([k, v]) => html`<dt>${k}</dt><dd>${String(v)}</dd>`)}</dl>`;
}

export function configChips(config: Record<string, unknown>): Markup {
  return html`${Object.entries(config).map(([k, v]) => html`<span class="chip">${k}=${String(v)}</span>`)}`;
}

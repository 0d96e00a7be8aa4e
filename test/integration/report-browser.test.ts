// report.html in a real browser: headless Chromium (Debian's `chromium`) loads the report written
// by writeReports and must show the verdict, the matrix, the timeline and the charts — with and
// without JavaScript — while its Content-Security-Policy blocks any script it did not bring.
// Skipped, saying why, where chromium is not installed.
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { inflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureRun, writeFixtureHistories } from "../../reports/test-fixtures.ts";
import { writeReports } from "../../reports/write-reports.ts";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((path) => existsSync(path));
const SKIP_REASON = "skipped: no chromium at /usr/bin/chromium (install it with `apt-get install chromium`)";

let dir: string;
let report: string;

/** Runs headless Chromium on `url` with `flags`, in a throwaway profile; returns its stdout. */
function chromium(url: string, flags: string[]): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), "kconform-chromium-"));
  const args = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    `--user-data-dir=${profile}`,
    ...flags,
    url,
  ];
  return new Promise<string>((resolve, reject) => {
    execFile(CHROMIUM as string, args, { timeout: 60_000, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      rmSync(profile, { recursive: true, force: true });
      if (error) reject(new Error(`chromium failed: ${error.message}\n${stderr.slice(-2_000)}`));
      else resolve(stdout);
    });
  });
}

const fileUrl = (path: string) => pathToFileURL(path).href;

/** Decodes an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium writes) into its pixels. */
function decodePng(png: Buffer): { width: number; height: number; channels: number; pixels: Uint8Array } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.toString("latin1", at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect(data[8]).toBe(8);
      channels = { 2: 3, 6: 4 }[data[9]] as number;
      expect(data[12]).toBe(0);
    }
    if (type === "IDAT") idat.push(data);
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x];
      const left = x >= channels ? pixels[y * stride + x - channels] : 0;
      const up = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const upLeft = y > 0 && x >= channels ? pixels[(y - 1) * stride + x - channels] : 0;
      const p = left + up - upLeft;
      const paeth = Math.abs(p - left) <= Math.abs(p - up) && Math.abs(p - left) <= Math.abs(p - upLeft) ? left : Math.abs(p - up) <= Math.abs(p - upLeft) ? up : upLeft;
      const predictor = [0, left, up, (left + up) >> 1, paeth][filter];
      pixels[y * stride + x] = (value + predictor) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

/** How many distinct colours a screenshot has, and how many pixels are the report's failure red. */
function paintedColours(png: Buffer): { width: number; height: number; colours: number; failRed: number } {
  const { width, height, channels, pixels } = decodePng(png);
  const colours = new Set<number>();
  let failRed = 0;
  for (let i = 0; i < pixels.length; i += channels) {
    const [r, g, b] = [pixels[i], pixels[i + 1], pixels[i + 2]];
    colours.add((r << 16) | (g << 8) | b);
    // --fail (#c53030): the verdict's headline and the violation cell of the matrix.
    if (Math.abs(r - 197) < 12 && Math.abs(g - 48) < 12 && Math.abs(b - 48) < 12) failRed++;
  }
  return { width, height, colours: colours.size, failRed };
}

describe.skipIf(!CHROMIUM)(`report.html in headless Chromium${CHROMIUM ? "" : ` (${SKIP_REASON})`}`, () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "kconform-report-browser-"));
    const fixture = fixtureRun();
    writeFixtureHistories(dir, fixture);
    report = (await writeReports(dir, fixture.result)).html;
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("renders the verdict, the matrix, the timeline and the charts, and runs its own script", async () => {
    const dom = await chromium(fileUrl(report), ["--dump-dom"]);
    expect(dom).toContain('<html lang="en" class="js">');
    expect(dom).toMatch(/<section id="verdict" class="verdict failed">[\s\S]*<h1>Failed<\/h1>/);
    expect(dom.match(/<div class="cell (conforming|expected|not-shown|violation|undecided|not-run)"/g)).toHaveLength(60);
    expect(dom.match(/<svg [^>]*class="timeline"/g)).toHaveLength(2);
    expect(dom.match(/<svg [^>]*class="chart latency-chart"/g)).toHaveLength(2);
    expect(dom.match(/<svg [^>]*class="chart throughput-chart"/g)).toHaveLength(2);
    expect(dom).not.toContain('alert("pwned")</script>');
  });

  it("shows the same content without JavaScript", async () => {
    // Chromium's --dump-dom and --screenshot need scripting themselves, so rather than switching
    // scripts off, the page's only script is taken out.
    const scriptless = join(dir, "scriptless.html");
    writeFileSync(scriptless, readFileSync(report, "utf8").replace(/<script>[\s\S]*?<\/script>/, ""));
    const dom = await chromium(fileUrl(scriptless), ["--dump-dom"]);
    expect(dom).not.toContain("<script>");
    expect(dom).not.toContain('class="js"');
    expect(dom).toContain("<h1>Failed</h1>");
    expect(dom.match(/<svg [^>]*class="timeline"/g)).toHaveLength(2);
    expect(dom.match(/<rect [^>]*><title>op \d+ · process \d/g)?.length).toBeGreaterThan(1_000);
    const shot = join(dir, "no-js.png");
    await chromium(fileUrl(scriptless), [`--screenshot=${shot}`, "--window-size=1280,2000"]);
    expect(paintedColours(readFileSync(shot)).colours).toBeGreaterThan(500);
  });

  it("blocks a script that found its way into the page", async () => {
    const tampered = join(dir, "tampered.html");
    writeFileSync(tampered, readFileSync(report, "utf8").replace("</main>", '</main><script>document.body.setAttribute("data-injected", "ran")</script>'));
    const dom = await chromium(fileUrl(tampered), ["--dump-dom"]);
    expect(dom).toContain('class="js"');
    expect(dom).not.toContain('data-injected="ran"');
  });

  it("paints a styled page: coloured verdict, matrix and plots, not a blank or unstyled one", async () => {
    const shot = join(dir, "report.png");
    await chromium(fileUrl(report), [`--screenshot=${shot}`, "--window-size=1280,2000"]);
    const { width, height, colours, failRed } = paintedColours(readFileSync(shot));
    expect([width, height]).toEqual([1280, 2000]);
    expect(colours).toBeGreaterThan(500);
    expect(failRed).toBeGreaterThan(2_000);
  });

  it("parses junit.xml with the browser's XML parser", async () => {
    const dom = await chromium(fileUrl(join(dir, "junit.xml")), ["--dump-dom"]);
    expect(dom).not.toContain("This page contains the following errors");
    expect(dom).toContain("testsuites");
  });
});

/**
 * The report a real `kconform run` writes (a spec, a chaos scenario and a matrix cell against a
 * 3-node reference cluster the command starts itself), opened the same way: what a user of the
 * main job sees, not a fixture.
 */
describe.skipIf(!CHROMIUM)(`the report of a real kconform run in headless Chromium${CHROMIUM ? "" : ` (${SKIP_REASON})`}`, () => {
  const BIN = fileURLToPath(new URL("../../bin/kconform.js", import.meta.url));
  let out: string;
  let exitCode: number | null;
  let stdout = "";

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), "kconform-run-report-"));
    const args = [BIN, "run", "--spec", "ordering-within-partition", "--scenario", "safe-leader-kill", "matrix-acks1-minisr1-unclean-off-leader-kill", "--time-limit", "20", "--shrink-time", "0", "--seed", "11", "--out", out];
    exitCode = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CI: "true" } });
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.resume();
      child.on("exit", (code) => resolve(code));
    });
  }, 600_000);

  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it("passes, and says where the report is", () => {
    expect(exitCode).toBe(0);
    expect(stdout).toContain(`report: ${join(out, "report.html")}`);
  });

  it("renders the verdict, the matrix, each scenario's timeline and charts, and the spec", async () => {
    const dom = await chromium(fileUrl(join(out, "report.html")), ["--dump-dom"]);
    expect(dom).toMatch(/<section id="verdict" class="verdict passed">[\s\S]*<h1>Passed<\/h1>/);
    expect(dom.match(/<div class="cell (conforming|expected|not-shown|violation|undecided|not-run)"/g)?.length).toBeGreaterThan(0);
    expect(dom.match(/<svg [^>]*class="timeline"/g)).toHaveLength(2);
    expect(dom.match(/<svg [^>]*class="chart latency-chart"/g)).toHaveLength(2);
    expect(dom.match(/<svg [^>]*class="chart throughput-chart"/g)).toHaveLength(2);
    expect(dom).toContain("ordering-within-partition");
  });
});

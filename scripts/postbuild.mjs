// Trunk post-build hook (Trunk.toml [[hooks]]): finishes dist/ in Trunk's
// staging folder, after every asset is in place and before it becomes dist/.
//
// 1. Content-Security-Policy: Trunk writes an inline <script type="module">
//    that loads the hashed js/wasm; its text changes with the hashes, so its
//    'sha256-…' is computed here and put where index.html says
//    `'inline-script-hashes'`. Nothing else is allowed to run inline.
// 2. Service worker: sw.js gets the list of files to cache and a version (a
//    hash of all of them), so each build that changes the app is a new worker.
// 0. First of all, in release builds: wasm-bindgen's JS glue is minified
//    with terser (installed by scripts/setup.sh; Trunk's own minification
//    leaves it as it is), and the subresource-integrity hash Trunk wrote
//    for it in index.html is recomputed for the new bytes.
//
// Node, not a shell script: node is already needed for wasm-opt
// (binaryen from npm), and it has sha256 and base64 built in.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative, sep } from "node:path";

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error("postbuild: TRUNK_STAGING_DIR is not set (run through `trunk build`)");
  process.exit(1);
}
const fail = (msg) => {
  console.error(`postbuild: ${msg}`);
  process.exit(1);
};

const htmlPath = join(dir, "index.html");
let html = readFileSync(htmlPath, "utf8");

// 0. The JS glue, minified (release builds only: a debug build stays
//    readable), and its integrity hash.
if (process.env.TRUNK_PROFILE === "release") {
  const tools = join(process.cwd(), ".tools", "node_modules", "terser");
  let terser;
  try {
    terser = createRequire(import.meta.url)(tools);
  } catch {
    fail(`terser is missing (${tools}): run scripts/setup.sh`);
  }
  const glue = readdirSync(dir).filter((f) => f.endsWith(".js") && f !== "sw.js" && f !== "worker.js");
  for (const f of glue) {
    const p = join(dir, f);
    const out = await terser.minify(readFileSync(p, "utf8"), { module: true, compress: true, mangle: true });
    if (!out.code) fail(`terser gave nothing for ${f}`);
    writeFileSync(p, out.code);
    const sri = `sha384-${createHash("sha384").update(out.code, "utf8").digest("base64")}`;
    const link = new RegExp(`(<link\\b[^>]*href="?\\./${f.replace(/[.]/g, "\\.")}"?[^>]*integrity="?)sha384-[A-Za-z0-9+/=]+`);
    const withLink = html.replace(link, `$1${sri}`);
    const linkBefore = new RegExp(`(<link\\b[^>]*integrity="?)sha384-[A-Za-z0-9+/=]+("?[^>]*href="?\\./${f.replace(/[.]/g, "\\.")}"?)`);
    const withEither = withLink !== html ? withLink : html.replace(linkBefore, `$1${sri}$2`);
    if (withEither === html && html.includes(`integrity`)) fail(`no integrity attribute found for ${f} in index.html`);
    html = withEither;
  }
}

// 1. The CSP hashes of the inline scripts.
const hashes = [];
for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
  if (/\bsrc\s*=/.test(m[1])) continue;
  hashes.push(`'sha256-${createHash("sha256").update(m[2], "utf8").digest("base64")}'`);
}
const PLACEHOLDER = "'inline-script-hashes'";
if (html.split(PLACEHOLDER).length !== 2) fail(`index.html must hold ${PLACEHOLDER} once, in its Content-Security-Policy`);
if (hashes.length === 0) fail("index.html has no inline script to hash (did Trunk change its loader?)");
html = html.replace(PLACEHOLDER, hashes.join(" "));
writeFileSync(htmlPath, html);

// 2. The service worker's file list and version.
const files = [];
const walk = (d) => {
  for (const name of readdirSync(d).sort()) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) walk(p);
    else files.push(relative(dir, p).split(sep).join("/"));
  }
};
walk(dir);
const shell = files.filter((f) => f !== "sw.js" && !f.startsWith("."));
const version = createHash("sha256");
for (const f of shell) version.update(f).update(readFileSync(join(dir, f)));
const swPath = join(dir, "sw.js");
let sw = readFileSync(swPath, "utf8");
const before = sw;
sw = sw
  .replace(/^const VERSION = "dev";$/m, `const VERSION = "${version.digest("hex").slice(0, 16)}";`)
  .replace(/^const ASSETS = \[\];$/m, `const ASSETS = ${JSON.stringify(shell)};`);
if (sw === before || !sw.includes("const ASSETS = [\"")) fail("sw.js has no VERSION/ASSETS lines to fill in");
writeFileSync(swPath, sw);
console.log(`postbuild: CSP ${hashes.join(" ")}; sw.js caches ${shell.length} files`);

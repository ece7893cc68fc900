// Trunk post-build hook (Trunk.toml [[hooks]]): finishes dist/ in Trunk's
// staging folder, after every asset is in place and before it becomes dist/.
//
// 1. Content-Security-Policy: Trunk writes an inline <script type="module">
//    that loads the hashed js/wasm; its text changes with the hashes, so its
//    'sha256-…' is computed here and put where index.html says
//    `'inline-script-hashes'`. Nothing else is allowed to run inline.
// 2. Service worker: sw.js gets the list of files to cache and a version (a
//    hash of all of them), so each build that changes the app is a new worker.
// 0. First of all, the JavaScript:
//    a. The split modules (src/ui/later.rs), which scripts/wasm-link.mjs
//       left beside cargo's output: in release builds optimised with the
//       wasm-opt Trunk uses, then named by their content's hash (a cached
//       old chunk can never meet a new main module) and copied in, with
//       their loader `__wasm_split.js` pointed at those names and at Trunk's
//       hashed glue (and named by its hash too, the glue's import with it).
//    b. In release builds, wasm-bindgen's JS glue and the loader are
//       minified with terser (installed by scripts/setup.sh; Trunk's own
//       minification leaves them as they are).
//    c. The subresource-integrity hash Trunk wrote for the glue in
//       index.html is recomputed for its new bytes.
//
// Node, not a shell script: node is already needed for wasm-opt
// (binaryen from npm), and it has sha256 and base64 built in.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
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

// 0. The JavaScript: split modules, minification, integrity.
const release = process.env.TRUNK_PROFILE === "release";
const root = process.cwd();
const sha = (bytes, n = 16) => createHash("sha256").update(bytes).digest("hex").slice(0, n);
const glue = readdirSync(dir).filter((f) => /^funnelcast-[0-9a-f]+\.js$/.test(f));
if (glue.length !== 1) fail(`expected one funnelcast-<hash>.js in the build, found ${glue.length}`);
const gluePath = join(dir, glue[0]);
let glueCode = readFileSync(gluePath, "utf8");

let terser;
if (release) {
  const tools = join(root, ".tools", "node_modules", "terser");
  try {
    terser = createRequire(import.meta.url)(tools);
  } catch {
    fail(`terser is missing (${tools}): run scripts/setup.sh`);
  }
}
const minify = async (code, f) => {
  if (!release) return code;
  const out = await terser.minify(code, { module: true, compress: true, mangle: true });
  if (!out.code) fail(`terser gave nothing for ${f}`);
  return out.code;
};

// 0a. Split modules, if the main module imports their loader.
const LOADER = "./__wasm_split.js";
if (glueCode.includes(`from "${LOADER}"`) || glueCode.includes(`from '${LOADER}'`)) {
  const targetDir = process.env.CARGO_TARGET_DIR || join(root, "target");
  const splitDir = join(targetDir, "wasm32-unknown-unknown", release ? "release" : "debug", "wasm-split");
  const loaderSrc = join(splitDir, "__wasm_split.js");
  if (!existsSync(loaderSrc)) fail(`${loaderSrc} is missing (was the page linked by scripts/wasm-link.mjs?)`);
  let loader = readFileSync(loaderSrc, "utf8");
  // wasm-split's loader as it comes: asked for a split module, it fetches
  // the module and the chunks it needs side by side and instantiates each
  // once those it needs are in. (Fetching each only after its chunks, at
  // most four at a time, was tried: the deferred parts came 0.4 s later on
  // the budget's slow link, docs/benchmarks.md.)
  const wasmOpt = join(root, ".tools", "node_modules", ".bin", "wasm-opt");
  for (const f of readdirSync(splitDir).filter((f) => /^(split|chunk)_.*\.wasm$/.test(f))) {
    const src = join(splitDir, f);
    const tmp = join(dir, `.${f}`);
    if (release) {
      // As Trunk runs it on the main module (index.html: data-wasm-opt="z").
      const r = spawnSync(wasmOpt, ["-Oz", src, "-o", tmp], { stdio: "inherit" });
      if (r.status !== 0) fail(`wasm-opt failed on ${f}`);
    } else {
      writeFileSync(tmp, readFileSync(src));
    }
    const bytes = readFileSync(tmp);
    const named = f.replace(/\.wasm$/, `-${sha(bytes)}.wasm`);
    writeFileSync(join(dir, named), bytes);
    rmSync(tmp);
    const quoted = `"./${f}"`;
    if (!loader.includes(quoted)) fail(`__wasm_split.js does not name ${f}`);
    loader = loader.split(quoted).join(`"./${named}"`);
  }
  const mainImport = `from "./funnelcast.js"`;
  if (!loader.includes(mainImport)) fail("__wasm_split.js does not import ./funnelcast.js");
  loader = loader.replace(mainImport, `from "./${glue[0]}"`);
  loader = await minify(loader, "__wasm_split.js");
  const loaderName = `__wasm_split-${sha(loader)}.js`;
  writeFileSync(join(dir, loaderName), loader);
  // Only the import specifiers: the key of wasm-bindgen's import object
  // stays the module name the .wasm itself imports from.
  glueCode = glueCode.split(`from "${LOADER}"`).join(`from "./${loaderName}"`);
  glueCode = glueCode.split(`from '${LOADER}'`).join(`from "./${loaderName}"`);
}

// 0b. The glue, minified (release builds only: a debug build stays readable).
glueCode = await minify(glueCode, glue[0]);
writeFileSync(gluePath, glueCode);

// 0c. Its integrity hash in index.html.
{
  const f = glue[0];
  const sri = `sha384-${createHash("sha384").update(glueCode, "utf8").digest("base64")}`;
  const link = new RegExp(`(<link\\b[^>]*href="?\\./${f.replace(/[.]/g, "\\.")}"?[^>]*integrity="?)sha384-[A-Za-z0-9+/=]+`);
  const withLink = html.replace(link, `$1${sri}`);
  const linkBefore = new RegExp(`(<link\\b[^>]*integrity="?)sha384-[A-Za-z0-9+/=]+("?[^>]*href="?\\./${f.replace(/[.]/g, "\\.")}"?)`);
  const withEither = withLink !== html ? withLink : html.replace(linkBefore, `$1${sri}$2`);
  if (withEither === html && html.includes(`integrity`)) fail(`no integrity attribute found for ${f} in index.html`);
  html = withEither;
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

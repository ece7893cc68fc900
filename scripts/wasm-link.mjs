#!/usr/bin/env node
// The linker of every wasm32 build (.cargo/config.toml): rust-lld, and then,
// for a module that has split points (the page built with `--features
// split`, see src/ui/later.rs), wasm-split, which cuts the functions only a
// split point reaches out of the main module into modules of their own.
//
// Why here: Trunk runs cargo, then wasm-bindgen, then wasm-opt, and has no
// step between the link and wasm-bindgen, which is where splitting must
// happen (it reads the linker's relocations, `--emit-relocs`). So the main
// module that Trunk goes on with is already split; the split modules and the
// small script that loads them (`__wasm_split.js`) wait in
// `<target>/wasm32-unknown-unknown/<profile>/wasm-split/`, and
// scripts/postbuild.mjs optimises, names and copies them into dist/.
//
// A module without split points (the browser tests, the engine's wasm
// builds) is linked exactly as rustc asked and left alone.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const fail = (msg) => {
  console.error(`wasm-link: ${msg}`);
  process.exit(1);
};
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: "inherit" });
  if (r.error) fail(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) process.exit(r.status ?? 1);
};
const rustc = (args) => {
  const r = spawnSync(process.env.RUSTC || "rustc", args, { encoding: "utf8" });
  if (r.status !== 0) fail(`rustc ${args.join(" ")} failed`);
  return r.stdout;
};

// rustc calls its wasm linker as `<linker> -flavor wasm …`: rust-lld itself.
const host = /^host: (.+)$/m.exec(rustc(["-vV"]))[1];
const lld = join(rustc(["--print", "sysroot"]).trim(), "lib", "rustlib", host, "bin", "rust-lld");
const args = process.argv.slice(2);
run(lld, args);

const o = args.indexOf("-o");
if (o < 0 || !args[o + 1]) fail("no -o in the linker's arguments");
const out = args[o + 1];
// The split points import their loaders under this prefix (wasm_split_helpers).
if (!readFileSync(out).includes("__wasm_split_load_")) process.exit(0);

// Link again, keeping the relocations wasm-split needs.
run(lld, [...args, "--emit-relocs"]);
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, ".tools", "bin", "wasm-split-cli");
if (!existsSync(cli)) fail(`${cli} is missing: run scripts/setup.sh`);
// <target>/wasm32-unknown-unknown/<profile>/deps/<name>.wasm → <profile>/wasm-split/
const dir = join(dirname(out), "..", "wasm-split");
rmSync(dir, { recursive: true, force: true });
const stem = basename(out, ".wasm").replace(/-[0-9a-f]+$/, "");
run(cli, [out, dir, "--out-name", stem]);

// wasm-bindgen (as Trunk runs it, without --keep-lld-exports) drops the
// export `__indirect_function_table`, through which the split modules call
// back into the main one. Export it under another name of the same length
// (so no size in the module changes), and have the loader ask for that name.
const TABLE = "__indirect_function_table";
const SHARED = "__wasm_split_shared_table";
const main = readFileSync(join(dir, `${stem}.wasm`));
const exportSection = sectionOf(main, 7);
if (!exportSection) fail("the split main module has no export section");
const entry = Buffer.concat([Buffer.from([TABLE.length]), Buffer.from(TABLE), Buffer.from([1])]);
const at = main.indexOf(entry, exportSection.start);
if (at < 0 || at >= exportSection.end) fail(`the split main module does not export ${TABLE}`);
Buffer.from(SHARED).copy(main, at + 1);
writeFileSync(join(dir, `${stem}.wasm`), main);
copyFileSync(join(dir, `${stem}.wasm`), out);

const loaderPath = join(dir, "__wasm_split.js");
const loader = readFileSync(loaderPath, "utf8");
// `const { …, __indirect_function_table, … } = initSync(…)`, in any order.
const shares = /const \{([^}]*)\} = initSync\(/.exec(loader);
const named = shares && new RegExp(`(^|[\\s,])${TABLE}(?=\\s*,)`).exec(shares[1]);
if (!named) fail(`__wasm_split.js does not read ${TABLE} as expected (a new wasm-split?)`);
const list = shares[1].replace(named[0], `${named[1]}${SHARED}: ${TABLE}`);
writeFileSync(loaderPath, loader.replace(shares[0], `const {${list}} = initSync(`));

// The [start, end) of the first section with this id.
function sectionOf(bytes, id) {
  const leb = (i) => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[i++];
      v += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) return [v, i];
    }
  };
  let i = 8; // magic and version
  while (i < bytes.length) {
    const sid = bytes[i];
    const [size, start] = leb(i + 1);
    if (sid === id) return { start, end: start + size };
    i = start + size;
  }
  return null;
}

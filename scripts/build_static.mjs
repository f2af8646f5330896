// Bundle and minify the front end with esbuild (from npm, through package-lock.json) into static/dist/.
//
// Entry points by convention, so a new page needs no list edit: every script a template loads with
//   <script type="module" src="{{ url_for('static', filename='js/....js') }}">
// is bundled as an ES module (all of them in one build with code splitting, so a module two pages share,
// such as app.js or offline/store.js, is one shared chunk and keeps one state); every classic
// <script src="...js/....js"> (the two that must run before the first paint) is minified on its own; every
// stylesheet under static/css is minified. static/dist mirrors static/: the bundle of js/reader/main.js is
// dist/js/reader/main.js, served at the source's own URL (core/assets.py), so templates never change.
// dist/manifest.json records a hash of the sources (static/ less dist/, and templates/): the app serves
// the bundles only while that hash still matches, else the source modules (docs/architecture.md).
//
// Usage: node scripts/build_static.mjs   (scripts/vendor.sh runs it after copying the npm libraries)
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const ROOT = join(fileURLToPath(import.meta.url), "..", "..");
const STATIC = join(ROOT, "static");
const DIST = join(STATIC, "dist");
const TARGET = "es2020";  // the tablets and phones councils hand out: module scripts, optional chaining

function walk(dir) {
  let names = [];
  let entries = [];
  try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return names; }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) names = names.concat(walk(path));
    else if (entry.isFile()) names.push(path);
  }
  return names;
}

const posix = (path) => relative(ROOT, path).split(sep).join("/");

/** The same hash as core/assets.py source_hash(): sorted paths, each path, NUL, its bytes. */
export function sourceHash() {
  const files = walk(STATIC).filter((path) => !posix(path).startsWith("static/dist/"))
    .concat(walk(join(ROOT, "templates")))
    .map((path) => [posix(path), path])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const digest = createHash("sha256");
  for (const [name, path] of files) {
    digest.update(Buffer.from(name + "\0"));
    digest.update(readFileSync(path));
  }
  return digest.digest("hex");
}

/** Scripts the templates load, by kind: `module` (ES modules) and `classic`. */
function entryPoints() {
  const found = { module: new Set(), classic: new Set() };
  for (const path of walk(join(ROOT, "templates"))) {
    if (!path.endsWith(".html")) continue;
    const html = readFileSync(path, "utf8");
    for (const [, attrs] of html.matchAll(/<script\b([^>]*)>/g)) {
      const src = attrs.match(/filename=['"](js\/[^'"]+\.m?js)['"]/);
      if (!src) continue;
      const kind = /type=["']module["']/.test(attrs) ? "module" : "classic";
      try { statSync(join(STATIC, src[1])); } catch { continue; }  // a template's typo stays a 404
      found[kind].add(join(STATIC, src[1]));
    }
  }
  return { module: [...found.module].sort(), classic: [...found.classic].sort() };
}

const hash = sourceHash();
const entries = entryPoints();
const common = { bundle: true, minify: true, target: TARGET, outdir: DIST, outbase: STATIC, logLevel: "warning", metafile: true };
rmSync(DIST, { recursive: true, force: true });

const modules = await esbuild.build({
  ...common,
  entryPoints: entries.module,
  format: "esm",
  splitting: true,
  chunkNames: "js/chunks/[name]-[hash]",
});
const classic = await esbuild.build({ ...common, entryPoints: entries.classic, format: "iife" });
// The service worker's own logic, imported by /sw.js with importScripts (offline/views.py).
const workerEntries = [join(STATIC, "js/offline/sw.js")].filter((path) => walk(join(STATIC, "js/offline")).includes(path));
const worker = await esbuild.build({ ...common, entryPoints: workerEntries, format: "iife" });
const styles = await esbuild.build({
  ...common,
  bundle: false,
  entryPoints: walk(join(STATIC, "css")).filter((path) => path.endsWith(".css")),
});

// What each entry needs: the chunks it imports at once (`static`) and those it may import later
// (`dynamic`), as paths under static/ (their URLs), so a template can preload them.
const outputs = {};
for (const result of [modules, classic, worker, styles]) Object.assign(outputs, result.metafile.outputs);
const served = (out) => posix(join(ROOT, out)).replace(/^static\/dist\//, "");
// A module imported only when asked (`import("./zoom.js")`) is a chunk of its own: `chunks` names it by
// its source, so a template can preload what one view will import (the page view's zoom.js, pages.js).
const needs = {};
const chunks = {};
for (const [out, info] of Object.entries(outputs)) {
  if (!info.entryPoint) continue;
  if (served(out).startsWith("js/chunks/")) chunks[info.entryPoint.replace(/^static\//, "")] = served(out);
  const seen = new Set();
  const dynamic = new Set();
  const visit = (file) => {
    for (const imported of outputs[file].imports) {
      if (imported.external) continue;
      if (imported.kind === "dynamic-import") { dynamic.add(imported.path); continue; }
      if (!seen.has(imported.path)) { seen.add(imported.path); visit(imported.path); }
    }
  };
  visit(out);
  const dynamicAll = new Set();
  for (const file of dynamic) {
    dynamicAll.add(file);
    const inner = new Set();
    const visitInner = (f) => {
      for (const imported of outputs[f].imports) {
        if (imported.kind === "dynamic-import" || seen.has(imported.path) || inner.has(imported.path)) continue;
        inner.add(imported.path);
        visitInner(imported.path);
      }
    };
    visitInner(file);
    inner.forEach((f) => dynamicAll.add(f));
  }
  needs[served(out)] = {
    static: [...seen].map(served).sort(),
    dynamic: [...dynamicAll].filter((f) => !seen.has(f)).map(served).sort(),
  };
}
const files = Object.keys(outputs).map(served).sort();
writeFileSync(join(DIST, "manifest.json"), JSON.stringify({ source_hash: hash, files, needs, chunks }, null, 1) + "\n");
const bytes = files.reduce((sum, name) => sum + statSync(join(DIST, name)).size, 0);
console.log(`static/dist: ${files.length} files, ${(bytes / 1024).toFixed(0)} KB minified, from ${entries.module.length} module and ${entries.classic.length} classic entries`);

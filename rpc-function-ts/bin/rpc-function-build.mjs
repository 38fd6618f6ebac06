#!/usr/bin/env node
// `rpc-function-build SOURCE.ts OUTPUT.wasm`: a TypeScript function's build
// step (its package.json's `build` script, in the function's directory).
//
// 1. Installs this package's toolchain from its lock file (`npm ci` here,
//    once, and again when the lock file changes): one install shared by
//    every function that links this package.
// 2. Type-checks the function with its tsconfig.json (tsc).
// 3. Bundles it with the serving glue into one ES module (esbuild):
//    `build/<output>.js`.
// 4. Makes the component (componentize-js: the StarlingMonkey engine,
//    pre-initialized by Wizer with the module evaluated, exporting
//    wasi:http/incoming-handler of ../wit), unless the bundle, the engine
//    and the world are those it was last made from.
//
// Nothing is fetched but by `npm ci`, from the lock file.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const sdk = fileURLToPath(new URL("..", import.meta.url));
const [source, output] = process.argv.slice(2);
if (source === undefined || output === undefined || !output.endsWith(".wasm")) {
  fail("usage: rpc-function-build SOURCE.ts OUTPUT.wasm (in the function's directory)");
}

installToolchain();
run("type-check", process.execPath, [
  join(sdk, "node_modules/typescript/bin/tsc"),
  "-p",
  "tsconfig.json",
]);
const bundle = await bundled(resolve(source), join("build", `${basename(output, ".wasm")}.js`));
await componentized(bundle, output);

function installToolchain() {
  const lock = join(sdk, "package-lock.json");
  const installed = join(sdk, "node_modules/.package-lock.json");
  if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
    console.error(`rpc-function-build: installing the toolchain (npm ci in ${sdk})`);
    run("npm ci", "npm", ["ci", "--no-audit", "--no-fund"], sdk);
  }
}

/** Bundles the function module (its default export) with `serve` into `bundle`. */
async function bundled(module, bundle) {
  const { build } = await import("esbuild");
  const entry = [
    `import fn from ${JSON.stringify(module)};`,
    `import { serve } from ${JSON.stringify(join(sdk, "src/serve.ts"))};`,
    "serve(fn);",
  ].join("\n");
  mkdirSync("build", { recursive: true });
  try {
    await build({
      stdin: { contents: entry, resolveDir: process.cwd(), sourcefile: "component-entry.js" },
      bundle: true,
      format: "esm",
      platform: "neutral",
      mainFields: ["module", "main"],
      target: "es2022",
      outfile: bundle,
      logLevel: "warning",
    });
  } catch {
    fail("bundling failed (esbuild's messages above)");
  }
  return bundle;
}

/** Makes `output` of `bundle`, unless it was made of the same inputs. */
async function componentized(bundle, output) {
  const { componentize, version } = await import("@bytecodealliance/componentize-js");
  const wit = join(sdk, "wit");
  const inputs = createHash("sha256")
    .update(`componentize-js ${version}\n`)
    .update(readFileSync(join(wit, "world.wit")))
    .update(readFileSync(bundle))
    .digest("hex");
  const stamp = `${bundle}.sha256`;
  if (existsSync(output) && existsSync(stamp) && readFileSync(stamp, "utf8") === inputs) {
    console.error(`rpc-function-build: ${output} is up to date`);
    return;
  }
  const started = Date.now();
  let component;
  try {
    ({ component } = await componentize({
      sourcePath: bundle,
      witPath: wit,
      worldName: "rpc-function",
    }));
  } catch (error) {
    fail(
      `componentize-js could not make ${output}:\n${error instanceof Error ? error.message : error}`,
    );
  }
  writeFileSync(output, component);
  writeFileSync(stamp, inputs);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.error(
    `rpc-function-build: ${output}: ${(component.length / 2 ** 20).toFixed(1)} MiB in ${seconds} s`,
  );
}

function run(what, command, args, cwd = process.cwd()) {
  const { status, error } = spawnSync(command, args, { cwd, stdio: "inherit" });
  if (status !== 0) {
    fail(`${what} failed${error ? `: ${error.message}` : ""}`);
  }
}

function fail(message) {
  console.error(`rpc-function-build: ${message}`);
  process.exit(1);
}

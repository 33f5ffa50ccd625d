// Bundle the extension into one file; `vscode` is provided by the editor at run time.
import { build } from "esbuild";

await build({
  entryPoints: ["src/extension.ts"],
  bundle: true,
  outfile: "dist/extension.js",
  external: ["vscode"],
  format: "cjs",
  platform: "node",
  target: "node18",
  sourcemap: process.argv.includes("--sourcemap"),
  minify: process.argv.includes("--minify"),
  logLevel: "warning",
});

// `node bundle-esbuild.mjs <entry> <outfile>`: bundles a page's script for the browser with
// esbuild, and fails when anything in it imports a Node built-in (`node:fs`, `fs`, `ws`'s `net`…).
import { builtinModules } from 'node:module';
import { build } from 'esbuild';

const [entry = 'src/browser.ts', outfile = 'bundle/esbuild/browser.js'] = process.argv.slice(2);
const builtins = new Set(builtinModules);

/** Refuses every Node built-in at resolution, naming the module that imported it. */
const refuseNodeBuiltins = {
  name: 'refuse-node-builtins',
  setup(bundle) {
    bundle.onResolve({ filter: /.*/ }, (args) => {
      if (!args.path.startsWith('node:') && !builtins.has(args.path)) return undefined;
      return { errors: [{ text: `Node built-in "${args.path}" imported by ${args.importer} (a browser bundle must not need it)` }] };
    });
  },
};

const result = await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  minify: true,
  metafile: true,
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
  plugins: [refuseNodeBuiltins],
});

// Belt and braces: nothing the bundle imports at run time may be a built-in either.
const external = Object.values(result.metafile.inputs)
  .flatMap((input) => input.imports)
  .filter((imported) => imported.external)
  .map((imported) => imported.path);
if (external.length > 0) throw new Error(`the bundle leaves imports to the runtime: ${external.join(', ')}`);
// What each package brings to the bundle, after minification: `@syncline/*`, `react-dom`, `zod`…
const output = result.metafile.outputs[outfile];
const byPackage = {};
for (const [path, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
  const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? '(the app)';
  byPackage[name] = (byPackage[name] ?? 0) + bytesInOutput;
}
console.log(JSON.stringify({ outfile, bytes: output?.bytes ?? 0, inputs: Object.keys(result.metafile.inputs).length, byPackage }));

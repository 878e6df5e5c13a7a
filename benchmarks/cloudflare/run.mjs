// Runs Cloudflare's HAR sanitizer (github.com/cloudflare/har-sanitizer) on one file, with the
// selection its web page makes by default, so it can be timed next to `harscrub sanitize`.
// Optional and manual: nothing in CI or the test suite uses it. Cloudflare's code is not in this
// repository; point this script at a module built from your own checkout (see README.md).
//
//   node run.mjs [--lib PATH] [--library-defaults] IN.har OUT.har
//
// PATH (or $CF_HAR_SANITIZER) is a JavaScript module exporting `sanitize`, `getHarInfo` and
// `defaultScrubItems`: the esbuild bundle of src/lib/har_sanitize.tsx, or, when run under a
// TypeScript loader (`node --import tsx run.mjs ...`), the .tsx file itself or the checkout folder.
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

function usage(msg) {
	if (msg) console.error(`run.mjs: ${msg}`);
	console.error("usage: node run.mjs [--lib PATH] [--library-defaults] IN.har OUT.har");
	process.exit(2);
}

const args = process.argv.slice(2);
let lib = process.env.CF_HAR_SANITIZER;
let libraryDefaults = false;
const files = [];
for (let i = 0; i < args.length; i++) {
	if (args[i] === "--lib") lib = args[++i];
	else if (args[i] === "--library-defaults") libraryDefaults = true;
	else if (args[i] === "-h" || args[i] === "--help") usage();
	else files.push(args[i]);
}
if (!lib) usage("give --lib PATH or set CF_HAR_SANITIZER");
if (files.length !== 2) usage("need IN.har and OUT.har");

let modPath = resolve(lib);
if (statSync(modPath).isDirectory()) modPath = join(modPath, "src", "lib", "har_sanitize.tsx");
const { sanitize, getHarInfo, defaultScrubItems } = await import(pathToFileURL(modPath).href);

// The page reads the file as text (FileReader.readAsText).
const input = readFileSync(files[0], "utf8");

let options;
if (!libraryDefaults) {
	// What the page does by default (src/components/Sanitizer.tsx): list the cookie, header,
	// query-parameter, post-parameter names and MIME types found in the file (getHarInfo), tick
	// those that appear, exactly and case-sensitively, in defaultScrubItems, and pass the ticked
	// names as scrubWords and the ticked MIME types as scrubMimetypes.
	const found = getHarInfo(input);
	const ticked = (names) => names.filter((n) => n && defaultScrubItems.includes(n));
	const words = new Set([
		...ticked(found.cookies),
		...ticked(found.headers),
		...ticked(found.queryArgs),
		...ticked(found.postParams),
	]);
	options = { scrubWords: [...words], scrubMimetypes: ticked(found.mimeTypes) };
}
// With --library-defaults, sanitize(input) gets no options: JWT signatures and the default
// JavaScript MIME types only (its word list is not applied when scrubWords is absent).

// sanitize() logs its options with console.log: keep stdout for that, report on stderr.
const output = sanitize(input, options);
writeFileSync(files[1], output);
if (process.env.CF_RUN_VERBOSE) {
	console.error(`options: ${JSON.stringify(options)}`);
	console.error(`in ${input.length} chars, out ${output.length} chars`);
}

#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseCliArguments, USAGE } from './cli-arguments.js';
import { CreateError } from './create-error.js';
import { scaffold } from './scaffold.js';

// `npm create syncline@latest my-app` runs this bin as `create-syncline my-app`.

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

try {
  const request = parseCliArguments(process.argv.slice(2));
  if (request.kind === 'help') {
    console.log(USAGE);
  } else if (request.kind === 'version') {
    console.log(version);
  } else {
    const { name, directory } = scaffold({ target: request.target, version, ...(request.packagesDir ? { packagesDir: request.packagesDir } : {}) });
    const folder = relative(process.cwd(), directory) || '.';
    const cd = folder === '.' ? '' : `  cd ${folder.includes(' ') ? JSON.stringify(folder) : folder}\n`;
    console.log(`Created ${name} in ${directory}.

Next:
${cd}  npm install && npm start     then open http://localhost:3000
  npm test                      builds and runs the tests (node --test)

Edit src/resources.ts to change the data and its rules, src/browser/main.ts for the page.`);
  }
} catch (error) {
  if (!(error instanceof CreateError)) throw error;
  console.error(`create-syncline: ${error.message}`);
  if (error.code === 'usage') console.error(`\n${USAGE}`);
  process.exitCode = 1;
}

#!/usr/bin/env node
// Entry point of the `bulwark` command. Runs the compiled CLI (built by `npm ci` through the prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist', 'src', 'server', 'cli', 'main.js');
if (!existsSync(compiled)) {
  console.error('bulwark: the server is not built. Run `npm ci` (or `npm run build`) in ' + root);
  process.exit(1);
}
await import(pathToFileURL(compiled).href);

#!/usr/bin/env node
// `npm test`: every check, in order: formatting (`npm run format` fixes it), types, unit and model tests (Node), the production build, and the browser
// tests in Chromium on WebGPU and WASM. Installs what a fresh Debian machine lacks (npm packages; Chromium and the
// CJK fonts from Debian when running as root), or stops with a one-line instruction.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function run(command, args, env = {}) {
  console.log(`\n▶ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function hasCjkFont() {
  try {
    return /CJK|WenQuanYi|Droid Sans Fallback/i.test(execFileSync('fc-list', { encoding: 'utf8' }));
  } catch {
    return false;
  }
}

function ensureBrowser() {
  const missing = [];
  if (!existsSync(CHROMIUM)) missing.push('chromium');
  if (!hasCjkFont()) missing.push('fonts-noto-cjk');
  // The model-source tests serve HTTPS under the real host names with a throwaway certificate made by openssl.
  if (spawnSync('openssl', ['version']).status !== 0) missing.push('openssl');
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    if (missing.includes('chromium') || missing.includes('openssl')) {
      console.error(
        `Chromium or openssl is missing: run "sudo apt-get install -y ${missing.join(' ')}" (or set CHROMIUM_PATH), then "npm test" again.`,
      );
      process.exit(1);
    }
    console.warn('No CJK font found: screenshots will show Chinese as boxes (sudo apt-get install -y fonts-noto-cjk).');
    return;
  }
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { DEBIAN_FRONTEND: 'noninteractive' });
}

if (!existsSync(resolve(ROOT, 'node_modules/.package-lock.json'))) run('npm', ['ci', '--no-audit', '--no-fund']);
ensureBrowser();
run('npx', ['prettier', '--check', '--log-level', 'warn', '.']);
run('npx', ['svelte-check', '--tsconfig', './tsconfig.json', '--fail-on-warnings']);
run('npx', ['vitest', 'run']);
run('npx', ['vite', 'build']);
run('npx', ['vitest', 'run', '--config', 'test/browser/vitest.config.ts']);
console.log('\nAll tests passed.');

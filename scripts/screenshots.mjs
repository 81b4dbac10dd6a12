// Screenshots of the API docs flow for docs/api-docs.md, taken in a real headless Chromium
// against the example servers, and a check of what they show on every framework.
//
//   node scripts/screenshots.mjs                   # axum's screenshots, checks on all four
//   node scripts/screenshots.mjs axum poem         # checks on these; screenshots of the first
//   SCREENSHOTS=0 node scripts/screenshots.mjs     # checks only
//
// Needs Debian's Chromium and playwright-core (the library alone, no browser download), in a
// scratch directory outside the repository (node_modules is not committed):
//
//   apt-get install -y chromium chromium-driver
//   mkdir -p /tmp/shots && (cd /tmp/shots && npm init -y && npm install playwright-core)
//   cargo build -p propelauth-example-axum -p propelauth-example-actix \
//       -p propelauth-example-rocket -p propelauth-example-poem
//   NODE_PATH=/tmp/shots/node_modules node scripts/screenshots.mjs
//
// Each server runs in development mode (no PropelAuth account: a local stand-in of the auth
// service and sample tokens, which the script reads from the server's output) on a free
// loopback port. Everything stays on 127.0.0.1. The checks, per framework: the page title
// names the example; before authorizing, the optional route's padlock is open and the
// required route's is open; after authorizing with a sample token both are closed; Try it
// out on /api/whoami answers 200 with the user. The PNGs go to docs/images/.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const images = join(root, 'docs', 'images');
const frameworks = process.argv.slice(2).length ? process.argv.slice(2) : ['axum', 'actix', 'rocket', 'poem'];
const takeScreenshots = process.env.SCREENSHOTS !== '0';
const titles = {
  axum: 'PropelAuth example (axum)',
  actix: 'PropelAuth example (actix-web)',
  rocket: 'PropelAuth example (rocket)',
  poem: 'PropelAuth example (poem)',
};

/// Starts the example binary on a free loopback port; resolves with its URL and a token.
function startServer(framework) {
  const binary = join(root, 'target', 'debug', framework);
  const [command, args] = existsSync(binary)
    ? [binary, []]
    : ['cargo', ['run', '--quiet', '-p', `propelauth-example-${framework}`, '--bin', framework]];
  // A clean environment: no PropelAuth variables, so development mode; loopback only.
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, HOST: '127.0.0.1', PORT: '0', ROCKET_PORT: '0', ROCKET_ADDRESS: '127.0.0.1', ROCKET_LOG_LEVEL: 'off' };
  const server = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { server.kill(); reject(new Error(`${framework}: no start in 120 s:\n${output}`)); }, 120_000);
    const read = (chunk) => {
      output += chunk;
      const token = /export OWNER=(\S+)/.exec(output);
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output) || /Rocket has launched from (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (token && url) {
        clearTimeout(timer);
        resolve({ server, url: url[1], token: token[1] });
      }
    };
    server.stdout.on('data', read);
    server.stderr.on('data', read);
    server.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${framework} exited (${code}):\n${output}`)); });
  });
}

/// The aria-label of an operation's padlock button ("authorization button locked"/"unlocked").
async function padlock(page, path) {
  const summary = page.locator('.opblock-summary', { has: page.locator(`[data-path="${path}"]`) }).first();
  return summary.locator('.authorization__btn').getAttribute('aria-label');
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

async function run(framework, screenshots) {
  const { server, url, token } = await startServer(framework);
  const profile = mkdtempSync(join(tmpdir(), 'propelauth-shots-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1000, height: 760 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await context.newPage();
    // Loopback only: refuse anything else the page might ask for.
    await page.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort()));
    await page.goto(`${url}/docs`);
    await page.waitForSelector('.opblock-summary');
    const title = await page.title();
    expect(title === titles[framework], `${framework}: page title ${JSON.stringify(title)}`);
    expect((await padlock(page, '/api/whoami_optional')) === 'authorization button unlocked', `${framework}: the optional route's padlock is closed before authorizing`);
    expect((await padlock(page, '/api/whoami')) === 'authorization button unlocked', `${framework}: the required route's padlock is closed before authorizing`);
    if (screenshots) {
      // The Authorize button and every operation with its padlock.
      const top = await page.locator('.scheme-container').boundingBox();
      const list = await page.locator('.opblock-tag-section').first().boundingBox();
      await page.screenshot({ path: join(images, 'api-docs-page.png'), fullPage: true, clip: { x: 0, y: top.y, width: 1000, height: list.y + list.height - top.y } });
    }

    await page.click('.auth-wrapper .btn.authorize');
    await page.fill('.modal-ux input[type=text]', token);
    if (screenshots) {
      await page.locator('.modal-ux').screenshot({ path: join(images, 'api-docs-authorize.png') });
    }
    await page.click('.modal-ux .auth-btn-wrapper button.authorize');
    await page.click('.modal-ux button.close-modal');
    expect((await padlock(page, '/api/whoami_optional')) === 'authorization button locked', `${framework}: the optional route's padlock stays open after authorizing`);
    expect((await padlock(page, '/api/whoami')) === 'authorization button locked', `${framework}: the required route's padlock stays open after authorizing`);

    const operation = page.locator('.opblock', { has: page.locator('[data-path="/api/whoami"]') }).first();
    await operation.locator('.opblock-summary-control').click();
    await operation.locator('.try-out__btn').click();
    await operation.locator('.execute').click();
    const status = operation.locator('.live-responses-table tbody .response-col_status').first();
    await status.waitFor();
    const code = (await status.textContent()).trim();
    expect(code.startsWith('200'), `${framework}: Try it out on /api/whoami answered ${code}`);
    if (screenshots) {
      // The start of the live answer: status, the user's JSON (its first lines), no more.
      const answer = operation.locator('.live-responses-table').first();
      await answer.scrollIntoViewIfNeeded();
      const box = await answer.boundingBox();
      await page.screenshot({ path: join(images, 'api-docs-whoami-200.png'), clip: { x: box.x, y: box.y, width: box.width, height: Math.min(box.height, 420) } });
      // The User schema, expanded, in the Schemas section (OpenAPI 3.1 documents, as
      // utoipa's, render through Swagger UI's JSON Schema 2020-12 view).
      const user = page.locator('section.models article[data-json-schema-level="0"]', {
        has: page.locator('.json-schema-2020-12__title', { hasText: /^User$/ }),
      }).first();
      await user.locator('.json-schema-2020-12-accordion').first().click();
      await user.scrollIntoViewIfNeeded();
      const schema = await user.boundingBox();
      await page.screenshot({ path: join(images, 'api-docs-user-schema.png'), clip: { x: schema.x, y: schema.y, width: schema.width, height: Math.min(schema.height, 520) } });
    }
    console.log(`${framework}: ok (title, padlocks before and after Authorize, Try it out 200)`);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    server.kill();
  }
}

let failed = false;
for (const [index, framework] of frameworks.entries()) {
  try {
    await run(framework, takeScreenshots && index === 0);
  } catch (error) {
    failed = true;
    console.error(error.message);
  }
}
process.exit(failed ? 1 : 0);

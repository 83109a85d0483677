// Renders resources/icons/icon.svg to the PNGs electron-builder.yml names: icon.png (1024 px; the
// macOS .icns and Windows .ico are made from it at pack time) and the Linux set linux/NxN.png.
// The PNGs are committed sources: packing must not need a browser. Run after editing the SVG:
//   npx tsx scripts/render-icons.mjs   (tsx: it shares the test helpers' Chromium launch)
import { readFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../test/helpers/browser.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const iconsDir = path.join(root, 'resources', 'icons');
const svg = readFileSync(path.join(iconsDir, 'icon.svg'), 'utf8');
const LINUX_SIZES = [16, 32, 48, 64, 128, 256, 512];

const targets = [{ size: 1024, file: path.join(iconsDir, 'icon.png') }, ...LINUX_SIZES.map((size) => ({ size, file: path.join(iconsDir, 'linux', `${size}x${size}.png`) }))];
mkdirSync(path.join(iconsDir, 'linux'), { recursive: true });

const { browser, close } = await launchChromium();
try {
  const page = await browser.newPage({ deviceScaleFactor: 1 });
  for (const { size, file } of targets) {
    await page.setViewportSize({ width: size, height: size });
    // The SVG drawn at the target size (not a downscaled bitmap): small sizes stay crisp.
    await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg style="display:block;width:${size}px;height:${size}px" `)}</body></html>`);
    await page.screenshot({ path: file, omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    console.log(`icons: ${path.relative(root, file)} (${size}x${size})`);
  }
} finally {
  await close();
}

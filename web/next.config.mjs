// Next.js config for the public web app. The app lives in web/ but has no package.json of its
// own: `next`, `react` and `react-dom` resolve from the repo root's node_modules, so both
// Turbopack's root and output file tracing point at the repo root.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  turbopack: { root: repoRoot },
  outputFileTracingRoot: repoRoot,
};

export default nextConfig;

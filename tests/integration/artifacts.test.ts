// Generated files that reviewers read must match what the committed migrations produce.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { ARTIFACTS, buildArtifacts, repoRoot, type Artifacts } from '../../scripts/lib/artifacts.ts';

const db = inject('db');
let built: Promise<Artifacts> | undefined;
const artifacts = () => (built ??= buildArtifacts(db));

describe('committed generated files are current (regenerate with `npm run codegen`)', () => {
  for (const [key, file] of Object.entries(ARTIFACTS)) {
    it(file, async () => {
      const committed = await readFile(path.join(repoRoot, file), 'utf8');
      const fresh = (await artifacts())[key as keyof Artifacts];
      expect(fresh.length).toBeGreaterThan(500);
      expect(committed, `${file} is stale: run npm run codegen and commit the result`).toBe(fresh);
    });
  }
});

// The committed schemas are generated from the code; this fails when they are stale.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { renderSchemas } from '../src/app/schemas.js';
import { ROOT } from './helpers/run-cli.js';

test.each(Object.entries(await renderSchemas()))('%s is up to date (run `npm run schema`)', (path, text) => {
  expect(readFileSync(join(ROOT, path), 'utf8')).toBe(text);
});

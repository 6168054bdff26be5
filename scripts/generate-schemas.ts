// Writes schemas/*.json (and the runbook validator compiled from the first) from the code that owns them; `npm run schema` after adding a check kind or
// matcher. test/schemas.test.ts fails while the committed files are stale.
import { writeFileSync } from 'node:fs';
import { renderSchemas } from '../src/app/schemas.js';

for (const [path, text] of Object.entries(await renderSchemas())) {
  writeFileSync(new URL(`../${path}`, import.meta.url), text);
  console.log(`wrote ${path}`);
}

// The tool's own name and version, read once from package.json for reports and --version.
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };

export const TOOL = { name: manifest.name, version: manifest.version } as const;

#!/usr/bin/env node
// The installed entry point: the CLI bundled into dist/bundle/ (npm run build, run by npm ci).
import '../dist/bundle/main.js';

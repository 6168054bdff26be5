#!/usr/bin/env node
// The installed entry point: the compiled CLI lives in dist/ (built by `npm run build`, run by `npm ci`).
import '../dist/cli/main.js';

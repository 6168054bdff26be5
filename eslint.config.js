// Lint: typescript-eslint with type information, plus the folder boundaries of STYLE.md §8, so
// data keeps flowing one way (load -> validate -> plan -> execute -> report).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrict = (files, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});

const never = (group, message) => ({ group, message });

const PROCESS_STREAMS = [
  { object: 'process', property: 'stdout', message: 'Only src/cli/io.ts writes to the terminal (through the secrets\' mask).' },
  { object: 'process', property: 'stderr', message: 'Only src/cli/io.ts writes to the terminal (through the secrets\' mask).' },
  { object: 'process', property: 'exit', message: 'Set the exit code through src/cli/io.ts.' },
  { object: 'process', property: 'argv', message: 'Only src/cli reads arguments.' },
];

export default tseslint.config(
  // The benchmark's preload is plain CommonJS for `node --require`, outside the TypeScript project.
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'scripts/bench/peak-rss.cjs', 'schemas/runbook.validate.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: { 'no-restricted-properties': ['error', ...PROCESS_STREAMS], 'no-console': 'error' },
  },
  {
    // transport/ssh reads what ssh itself reads (SSH_AUTH_SOCK, USER); nothing else reads the environment.
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**', 'src/transport/ssh/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...PROCESS_STREAMS,
        { object: 'process', property: 'env', message: 'Only src/cli reads the environment (RUNBOOK_VAR_*): pass it in as data.' },
      ],
    },
  },
  restrict(['src/model/**'], [never(['../*'], 'model/ holds types and constants only; it imports nothing.'), { regex: '^(?!\\./|node:)', message: 'model/ imports no package.' }]),
  restrict(['src/errors/**'], [never(['../*', '!../model', '!../errors'], 'errors/ may import model/ only.')]),
  restrict(['src/conditions/**'], [never(['../*', '!../model', '!../errors', '!../matchers', '!../conditions'], 'conditions/ give diagnosis conditions their meaning: model/, errors/ and matchers/ only.')]),
  restrict(['src/matchers/**'], [never(['../*', '!../model', '!../errors', '!../matchers'], 'matchers/ are pure: model/ and errors/ only.')]),
  // The same edges one folder down (checks/probes/): a parser may not reach what its kind may not.
  ...[['src/checks/*.ts', '../'], ['src/checks/probes/**', '../../']].map(([files, up]) => restrict([files], [
    never(['execa', 'ssh2', 'listr2', 'node:child_process', 'node:net'], 'check kinds never run processes or open sockets: they observe through the context.'),
    never(['report', 'execute', 'cli', 'app', 'runbook', 'plan', 'conditions', 'secrets', 'progress'].map((folder) => `${up}${folder}/*`), 'checks/ may import matchers/, model/, errors/, transport/types.'),
    never([`${up}transport/*`, `!${up}transport/types.js`], 'checks/ sees only transport/types.ts.'),
  ])),
  restrict(['src/runbook/**'], [never(['../execute/*', '../report/*', '../cli/*', '../app/*', '../transport/*', '../plan/*'], 'runbook/ loads and validates: checks/, matchers/, model/, errors/ only.')]),
  restrict(['src/plan/**'], [never(['../execute/*', '../report/*', '../cli/*', '../app/*', '../transport/*', '../runbook/*', '../checks/*'], 'plan/ may import model/ and errors/ only.')]),
  restrict(['src/execute/**'], [
    never(['../report/*', '../cli/*', '../app/*', '../runbook/*'], 'execute/ never reaches up to report/, app/, cli/, or back to runbook/ (it runs the plan it is given).'),
    never(['../transport/*', '!../transport/types.js'], 'execute/ sees only transport/types.ts; app/ picks transports.'),
    never(['execa', 'ssh2', 'listr2'], 'execute/ runs commands only through transports.'),
  ]),
  restrict(['src/secrets/**'], [never(['../*', '!../model', '!../secrets'], 'secrets/ masks text: model/ only.')]),
  // transport/: types.ts and the pieces both transports share at the top, one folder per transport below.
  restrict(['src/transport/*.ts'], [
    never(['../*', '!../model', '!../errors', '!../transport', './*/*', '../transport/*/*'], 'transport/ may import model/ and errors/ only; its shared pieces import no transport folder.'),
  ]),
  restrict(['src/transport/*/**'], [
    never(['../*/*', '../../*', '!../../model', '!../../errors'], 'transport/ may import model/ and errors/ only; local/ and ssh/ share only the pieces in transport/ itself.'),
  ]),
  restrict(['src/report/**'], [
    never(['../execute/*', '../transport/*', '../checks/*', '../cli/*', '../app/*', '../runbook/*', '../plan/*'], 'reporters read the finished report only.'),
  ]),
  restrict(['src/app/**'], [never(['../cli/*', '../progress/*'], 'app/ never imports cli/ or progress/.')]),
  restrict(['src/progress/**'], [never(['../*', '!../model', '!../errors', '!../execute', '../execute/*', '!../execute/events.js'], 'progress/ listens to execute/events only.')]),
  // The YAML library loads when the exact reading first needs it (src/runbook/yaml-library.ts): a
  // plain runbook never loads it. Elsewhere its types only; the TAP reporter writes with its own copy.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/report/tap.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ name: 'yaml', allowTypeImports: true, message: 'import its types only; call yamlLibrary() (src/runbook/yaml-library.ts) for its values, so that a plain runbook never loads it.' }],
      }],
    },
  },
  {
    files: ['test/**/*.ts', 'scripts/**/*.ts', '*.config.*', 'eslint.config.js'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off', '@typescript-eslint/no-unsafe-member-access': 'off', '@typescript-eslint/no-unsafe-argument': 'off' },
  },
  { files: ['eslint.config.js', 'bin/**'], ...tseslint.configs.disableTypeChecked },
);

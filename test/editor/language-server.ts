// A minimal LSP client for the editor tests: starts the real yaml-language-server over stdio and
// speaks to it through vscode-languageserver-protocol (the JSON-RPC framing yaml-language-server uses itself).
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import {
  CompletionRequest,
  ConfigurationRequest,
  createProtocolConnection,
  DidOpenTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type CompletionItem,
  type Diagnostic,
  type Hover,
  type Position,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node.js';

/** Every wait on the server is bounded, so a silent server fails the test instead of hanging it. */
export const WAIT_MS = 20_000;

/** The server's entry point, from its package.json "bin" (what `npx yaml-language-server` runs). */
export const serverBin = (): string => {
  const packageJson = createRequire(import.meta.url).resolve('yaml-language-server/package.json');
  const { bin } = JSON.parse(readFileSync(packageJson, 'utf8')) as { bin: Record<string, string> };
  const entry = bin['yaml-language-server'];
  if (entry === undefined) throw new Error(`${packageJson} names no yaml-language-server bin`);
  return join(dirname(packageJson), entry);
};

/** What a client answers to the server's workspace/configuration pull for the "yaml" section. */
const YAML_SETTINGS = {
  validate: true,
  hover: true,
  completion: true,
  // The schema comes from the document's modeline; never fetch the schemastore.org catalogue.
  schemaStore: { enable: false },
  schemas: {},
};

const within = async <T>(what: string, work: Promise<T>, ms = WAIT_MS, detail = (): string => ''): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`yaml-language-server: no ${what} within ${String(ms)} ms${detail()}`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
};

type Exit = { code: number | null; signal: NodeJS.Signals | null };

export type LanguageServer = {
  pid: number;
  open: (uri: string, text: string) => Promise<void>;
  /** The first diagnostics published for `uri` that satisfy `until` (by default: any, even none). */
  diagnostics: (uri: string, until?: (diagnostics: Diagnostic[]) => boolean) => Promise<Diagnostic[]>;
  completion: (uri: string, position: Position) => Promise<CompletionItem[]>;
  hover: (uri: string, position: Position) => Promise<Hover | null>;
  /** shutdown + exit; SIGKILL by PID if the server is still alive after that. Safe to call twice. */
  stop: () => Promise<Exit & { killed: boolean }>;
};

/** Starts yaml-language-server --stdio and initializes it with `workspace` as its only workspace folder. */
export const startLanguageServer = async (workspace: string): Promise<LanguageServer> => {
  const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn(process.execPath, [serverBin(), '--stdio'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.on('error', (error) => (stderr += `${error.message}\n`));
  const { pid } = child;
  if (pid === undefined) throw new Error(`yaml-language-server did not start: ${serverBin()}`);
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let exit: Exit | undefined;
  void exited.then((how) => (exit = how));
  const detail = (): string => (exit ? ` (the server exited: ${JSON.stringify(exit)})` : '') + (stderr ? `; its stderr:\n${stderr}` : '');

  const connection: ProtocolConnection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  connection.onRequest(ConfigurationRequest.type, ({ items }) => items.map(({ section }) => (section === 'yaml' ? YAML_SETTINGS : {})));
  const published = new Map<string, Diagnostic[][]>();
  const listeners = new Set<() => void>();
  connection.onNotification(PublishDiagnosticsNotification.type, ({ uri, diagnostics }) => {
    published.set(uri, [...(published.get(uri) ?? []), diagnostics]);
    for (const listener of listeners) listener();
  });
  connection.listen();

  let stopping: Promise<Exit & { killed: boolean }> | undefined;
  const stop = (): Promise<Exit & { killed: boolean }> =>
    (stopping ??= (async () => {
      if (!exit) {
        try {
          await within('shutdown reply', connection.sendRequest(ShutdownRequest.type), 5_000);
          await connection.sendNotification(ExitNotification.type);
        } catch {
          // A server that does not answer shutdown is killed below.
        }
      }
      const graceful = await within('exit after shutdown', exited, 5_000).catch(() => undefined);
      if (graceful === undefined) process.kill(pid, 'SIGKILL');
      const how = await exited;
      connection.dispose();
      child.stdin.destroy();
      child.stdout.destroy();
      child.stderr.destroy();
      return { ...how, killed: graceful === undefined };
    })());

  try {
    const workspaceUri = pathToFileURL(workspace).href;
    await within(
      'initialize reply',
      connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        locale: 'en',
        rootUri: workspaceUri,
        workspaceFolders: [{ uri: workspaceUri, name: 'runbooks' }],
        capabilities: {
          workspace: { configuration: true, workspaceFolders: true },
          textDocument: {
            publishDiagnostics: {},
            completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
            hover: { contentFormat: ['markdown', 'plaintext'] },
          },
        },
      }),
      WAIT_MS,
      detail,
    );
    await connection.sendNotification(InitializedNotification.type, {});
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    pid,
    open: (uri, text) => connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text } }),
    diagnostics: async (uri, until = () => true) => {
      let check = (): void => undefined;
      try {
        return await within(
          `diagnostics for ${uri}`,
          new Promise<Diagnostic[]>((resolve) => {
            check = () => {
              const found = published.get(uri)?.find(until);
              if (found !== undefined) resolve(found);
            };
            listeners.add(check);
            check();
          }),
          WAIT_MS,
          () => `; published so far: ${JSON.stringify(published.get(uri) ?? [])}${detail()}`,
        );
      } finally {
        listeners.delete(check);
      }
    },
    completion: async (uri, position) => {
      const result = await within('completion reply', connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position }), WAIT_MS, detail);
      if (result === null) return [];
      return Array.isArray(result) ? result : result.items;
    },
    hover: (uri, position) => within('hover reply', connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position }), WAIT_MS, detail),
    stop,
  };
};

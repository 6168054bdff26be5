// The plan as a picture, checked by the real tools: the Mermaid text by Mermaid's own parser
// (mermaid 11 runs headless in Node once linkedom gives it a window), the DOT text by Graphviz's
// `dot -Tsvg`. What each tool understood (nodes, clusters, arrows, label text as it will be shown)
// is read back and compared with the runbook: a label that lost or gained a character, a check in
// the wrong box or an arrow that is not a depends_on or a `when:` fails.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { DOMParser, parseHTML } from 'linkedom';
import type { Mermaid } from 'mermaid';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { describePlan, type PlannedCheck } from '../../src/app/describe-plan.js';
import { loadPlans } from '../../src/app/load-plans.js';
import { planDot, planMermaid } from '../../src/app/plan-picture.js';
import { buildPlan, type Plan } from '../../src/plan/plan.js';
import { loadRunbookText } from '../../src/runbook/load.js';

const MYSQL = 'runbooks/mysql-connectivity.yaml';
const HOSTILE = 'test/fixtures/plan-picture/hostile.yaml';

interface Planned {
  readonly plan: Plan;
  readonly steps: PlannedCheck[];
}

const planOfText = (file: string, text: string): Planned => {
  const { runbook, diagnostics } = loadRunbookText(file, text);
  expect(diagnostics).toEqual([]);
  const { plan, diagnostics: planProblems } = buildPlan(runbook!);
  expect(planProblems).toEqual([]);
  return { plan, steps: describePlan(plan, 5_000) };
};

/** Through the loader the CLI uses: the hostile runbook includes a part, whose ids arrive dotted. */
const planOfFile = async (path: string): Promise<Planned> => {
  const [plan] = await loadPlans([path]);
  return { plan: plan!, steps: describePlan(plan!, 5_000) };
};

/** What a picture shows, by check id and question title, whichever language drew it. */
interface Drawn {
  /** Check id -> its label as shown, lines joined by `\n`. */
  readonly labels: ReadonlyMap<string, string>;
  /** Each box: its title as shown and the check ids inside it (sorted). */
  readonly clusters: readonly { readonly title: string; readonly checks: readonly string[] }[];
  /** `from -> to` (depends_on) or `from -when-> to`, by check id, sorted. */
  readonly edges: readonly string[];
}

type EdgeLook = 'solid' | 'when' | 'other';

const edgeText = (from: string, to: string, look: EdgeLook): string => `${from} ${{ solid: '->', when: '-when->', other: '-?->' }[look]} ${to}`;

/** Solid and unlabelled, or dashed and labelled "when": anything else is neither a depends_on nor a wait. */
const edgeLook = (dashed: boolean, label: string): EdgeLook => (!dashed && label === '' ? 'solid' : dashed && label === 'when' ? 'when' : 'other');

const labelOf = (step: PlannedCheck): string =>
  [step.id, step.kind, `on ${step.host} (${step.target})`, ...(step.when ? [`when: ${step.when}`] : [])].join('\n');

/** The picture the runbook asks for: every check in its question's box, an arrow per depends_on and per check a `when:` waits for. */
const expectedPicture = ({ plan, steps }: Planned): Drawn => ({
  labels: new Map(steps.map((step) => [step.id, labelOf(step)])),
  clusters: plan.runbook.questions.map((question) => ({ title: question.title, checks: question.checks.map((check) => check.id).sort() })),
  edges: plan.order
    .flatMap((check) => [
      ...check.dependsOn.map((from) => edgeText(from, check.id, 'solid')),
      ...(check.when?.waitsFor ?? []).map((from) => edgeText(from, check.id, 'when')),
    ])
    .sort(),
});

// ---- Mermaid, through its parser ----

/** The parts of mermaid's flowchart database we read back. */
interface FlowDb {
  getVertices(): Map<string, { readonly id: string; readonly text?: string; readonly classes: readonly string[] }>;
  getEdges(): { readonly start: string; readonly end: string; readonly stroke?: string; readonly text?: string }[];
  getSubGraphs(): { readonly id: string; readonly title: string; readonly nodes: readonly string[] }[];
}

/** The little of the DOM these tests touch (tsconfig has no DOM lib: src/ runs in Node). */
interface MarkupElement {
  readonly tagName: string;
  readonly textContent: string | null;
  innerHTML: string;
  getAttribute(name: string): string | null;
  querySelector(selector: string): MarkupElement | null;
  querySelectorAll(selector: string): Iterable<MarkupElement>;
}

let mermaid: Mermaid;
const { window: fakeWindow, document } = parseHTML('<!doctype html><html><body></body></html>');
const fakeDocument = document as unknown as { createElement(tag: string): MarkupElement };

beforeAll(async () => {
  // DOMPurify, which mermaid runs over labels, needs a window; parsing needs nothing else of a browser.
  Object.assign(globalThis, { window: fakeWindow, document: fakeDocument });
  mermaid = (await import('mermaid')).default;
  mermaid.initialize({ startOnLoad: false });
});

afterAll(() => {
  Reflect.deleteProperty(globalThis, 'window');
  Reflect.deleteProperty(globalThis, 'document');
});

/**
 * A label as the reader will see it: mermaid swaps entity codes for placeholders before parsing and
 * back to HTML entities when it renders (its decodeEntities), and labels are HTML; an HTML element
 * left unescaped in a title would vanish into markup here, as it would on the page.
 */
const shownMermaidText = (label: string): string => {
  const html = label.replace(/ﬂ°°/g, '&#').replace(/ﬂ°/g, '&').replace(/¶ß/g, ';').replaceAll('<br>', '\n');
  const element = fakeDocument.createElement('div');
  element.innerHTML = html;
  return element.textContent ?? '';
};

const parseMermaid = async (text: string): Promise<FlowDb> => {
  expect(await mermaid.parse(text)).toMatchObject({ diagramType: 'flowchart-v2' });
  return (await mermaid.mermaidAPI.getDiagramFromText(text)).db as unknown as FlowDb;
};

const drawnByMermaid = (db: FlowDb): Drawn => {
  const vertices = [...db.getVertices().values()];
  const labels = new Map(vertices.map((vertex) => [vertex.id, shownMermaidText(vertex.text ?? '')]));
  const checkId = (key: string): string => labels.get(key)?.split('\n')[0] ?? `(undeclared ${key})`;
  return {
    labels: new Map([...labels.values()].map((label) => [label.split('\n')[0]!, label])),
    clusters: db.getSubGraphs().map((subgraph) => ({ title: shownMermaidText(subgraph.title), checks: subgraph.nodes.map(checkId).sort() })),
    edges: db
      .getEdges()
      .map((edge) => edgeText(checkId(edge.start), checkId(edge.end), edgeLook(edge.stroke === 'dotted', edge.text ?? '')))
      .sort(),
  };
};

// ---- DOT, through Graphviz ----

const renderDot = (text: string): { status: number | null; stderr: string; svg: string } => {
  const result = spawnSync('dot', ['-Tsvg'], { input: text, encoding: 'utf8' });
  if (result.error) throw new Error(`Graphviz's dot cannot run (Debian package graphviz): ${result.error.message}`);
  return { status: result.status, stderr: result.stderr, svg: result.stdout };
};

/** Graphviz writes a run of spaces with no-break spaces, to keep them. */
const shownSvgText = (text: string | null): string => (text ?? '').replaceAll('\u00a0', ' ');

const linesOf = (group: MarkupElement): string => [...group.querySelectorAll('text')].map((text) => shownSvgText(text.textContent)).join('\n');

const numbersOf = (element: MarkupElement | null, attribute: string): number[] =>
  (element?.getAttribute(attribute) ?? '').match(/-?\d+(\.\d+)?/g)?.map(Number) ?? [];

interface Box {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

/** The box Graphviz drew for a cluster, from its outline's points (x y pairs). */
const boxOf = (cluster: MarkupElement): Box => {
  const outline = cluster.querySelector('path') ?? cluster.querySelector('polygon');
  const numbers = numbersOf(outline, outline?.tagName === 'path' ? 'd' : 'points');
  const xs = numbers.filter((_, index) => index % 2 === 0);
  const ys = numbers.filter((_, index) => index % 2 === 1);
  return { left: Math.min(...xs), right: Math.max(...xs), top: Math.min(...ys), bottom: Math.max(...ys) };
};

interface SvgNode {
  /** Its DOT id (`n1`), which Graphviz writes as the group's title. */
  readonly key: string;
  readonly label: string;
  /** Where its first line of text stands. */
  readonly x: number;
  readonly y: number;
  readonly fill: string | null;
}

const svgNode = (node: MarkupElement): SvgNode => {
  const firstLine = node.querySelector('text');
  return {
    key: node.querySelector('title')?.textContent ?? '',
    label: linesOf(node),
    x: numbersOf(firstLine, 'x')[0] ?? NaN,
    y: numbersOf(firstLine, 'y')[0] ?? NaN,
    fill: (node.querySelector('path') ?? node.querySelector('polygon'))?.getAttribute('fill') ?? null,
  };
};

const inside = (box: Box, { x, y }: SvgNode): boolean => x > box.left && x < box.right && y > box.top && y < box.bottom;

const svgGroups = (svg: string, kind: 'node' | 'cluster' | 'edge'): MarkupElement[] => {
  const document = new DOMParser().parseFromString(svg, 'image/svg+xml') as unknown as MarkupElement;
  return [...document.querySelectorAll(`g[class="${kind}"]`)];
};

const svgNodes = (svg: string): SvgNode[] => svgGroups(svg, 'node').map(svgNode);

const drawnByGraphviz = (svg: string): Drawn => {
  const nodes = svgNodes(svg);
  const checkId = (key: string): string => nodes.find((node) => node.key === key)?.label.split('\n')[0] ?? `(undeclared ${key})`;
  const edge = (group: MarkupElement): string => {
    const [from = '', to = ''] = (group.querySelector('title')?.textContent ?? '').split('->');
    const dashed = typeof group.querySelector('path')?.getAttribute('stroke-dasharray') === 'string';
    return edgeText(checkId(from), checkId(to), edgeLook(dashed, linesOf(group)));
  };
  return {
    labels: new Map(nodes.map((node) => [node.label.split('\n')[0]!, node.label])),
    clusters: svgGroups(svg, 'cluster').map((cluster) => ({
      title: linesOf(cluster),
      checks: nodes.filter((node) => inside(boxOf(cluster), node)).map((node) => checkId(node.key)).sort(),
    })),
    edges: svgGroups(svg, 'edge').map(edge).sort(),
  };
};

const renderedByGraphviz = (text: string): Drawn => {
  const { status, stderr, svg } = renderDot(text);
  expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
  return drawnByGraphviz(svg);
};

// ---- the runbooks ----

const MYSQL_EDGES = ['db-process -> local-connect', 'db-process -> pid-listens', 'db-process -> pid-ports'];

/** Written out by hand from hostile.yaml and its part, not derived from the plan. */
const HOSTILE_EDGES = [
  'first -> second',
  'first -when-> third',
  'part.probe-a -> part.probe-b',
  'part.probe-a -> second',
  'part.probe-b -when-> third',
  'second -> third',
];
const HOSTILE_TITLES = [
  `Included: <i>part</i> & 'single' "double" %%{init: {}}%%`,
  'Does "it" <b>work</b> & not &amp; break?\nA second line; with `backticks`, #quot; #35; and %% not a comment',
  '`md` style:#1; classDef x fill:#f00; end --> subgraph ]"[ |pipe| {curly} (paren) <!-- --> back\\slash \\N \\n',
];
const THIRD_LABEL = 'third\ncommand\non odd-role (x@host-1.example:22)\nwhen: { check: first, status: pass } and { check: part.probe-b, status: fail }';

const mysql = (): Planned => planOfText('mysql-connectivity.yaml', readFileSync(MYSQL, 'utf8'));

const RUNBOOKS: { name: string; load: () => Promise<Planned> | Planned; edges: string[] }[] = [
  { name: 'mysql-connectivity.yaml (shipped)', load: mysql, edges: MYSQL_EDGES },
  { name: 'hostile titles, dotted ids, when: waits', load: () => planOfFile(HOSTILE), edges: HOSTILE_EDGES },
];

describe('Mermaid', () => {
  test.for(RUNBOOKS)('$name: parses, and shows exactly the runbook', async ({ load, edges }) => {
    const planned = await load();
    const text = planMermaid(planned.plan, planned.steps);
    expect(text.startsWith('flowchart LR\n')).toBe(true);
    const drawn = drawnByMermaid(await parseMermaid(text));
    const expected = expectedPicture(planned);
    expect(drawn.edges).toEqual(edges);
    expect(drawn).toEqual(expected);
  });

  test('hostile titles survive as written, line breaks included', async () => {
    const { plan, steps } = await planOfFile(HOSTILE);
    const drawn = drawnByMermaid(await parseMermaid(planMermaid(plan, steps)));
    expect(drawn.clusters.map((cluster) => cluster.title)).toEqual(HOSTILE_TITLES);
    expect(drawn.labels.get('third')).toBe(THIRD_LABEL);
  });

  test('each host role is a class of its own, in the order hosts are declared', async () => {
    const { plan, steps } = await planOfFile(HOSTILE);
    const vertices = [...(await parseMermaid(planMermaid(plan, steps))).getVertices().values()];
    const classOf = new Map(vertices.map((vertex) => [shownMermaidText(vertex.text ?? '').split('\n')[0], vertex.classes]));
    const [app, db, odd] = [['host1'], ['host2'], ['host3']];
    expect(Object.fromEntries(classOf)).toEqual({ 'part.probe-a': db, 'part.probe-b': db, first: app, second: db, third: odd });
  });

  test('the checks can fail: a raw quote is a syntax error, a raw %%{...}%% silently leaves the title', async () => {
    const { plan, steps } = await planOfFile(HOSTILE);
    const text = planMermaid(plan, steps);
    await expect(mermaid.parse(text.replace('#quot;', '"'))).rejects.toThrow(/Parse error/);
    // Mermaid reads `%%{...}%%` anywhere in the text as a directive, and takes it out before parsing.
    const directive = drawnByMermaid(await parseMermaid(text.replace('#37;#37;{init#58; {}}#37;#37;', '%%{init: {}}%%')));
    expect(directive.clusters[0]?.title).toBe(`Included: <i>part</i> & 'single' "double"`);
  });
});

describe('DOT', () => {
  test.for(RUNBOOKS)('$name: Graphviz renders it without a warning, showing exactly the runbook', async ({ load, edges }) => {
    const planned = await load();
    const drawn = renderedByGraphviz(planDot(planned.plan, planned.steps));
    expect(drawn.edges).toEqual(edges);
    expect(drawn).toEqual(expectedPicture(planned));
  });

  test('hostile titles survive as written: markup, entities and backslashes stay text', async () => {
    const { plan, steps } = await planOfFile(HOSTILE);
    const drawn = renderedByGraphviz(planDot(plan, steps));
    expect(drawn.clusters.map((cluster) => cluster.title)).toEqual(HOSTILE_TITLES);
    expect(drawn.labels.get('third')).toBe(THIRD_LABEL);
  });

  test('each host role has a fill colour of its own', async () => {
    const { plan, steps } = await planOfFile(HOSTILE);
    const fillOf = new Map(svgNodes(renderDot(planDot(plan, steps)).svg).map((node) => [node.label.split('\n')[0], node.fill]));
    const [app, db, odd] = [fillOf.get('first'), fillOf.get('second'), fillOf.get('third')];
    expect(new Set([app, db, odd]).size).toBe(3);
    expect([fillOf.get('part.probe-a'), fillOf.get('part.probe-b')]).toEqual([db, db]);
  });

  test('the checks can fail: a raw & makes dot complain, a raw <b> vanishes into markup', async () => {
    const { plan, steps } = await planOfFile(HOSTILE);
    const text = planDot(plan, steps);
    expect(renderDot(text.replace('&amp; not', '& not')).stderr).not.toBe('');
    const marked = renderDot(text.replace('&lt;b&gt;work&lt;/b&gt;', '<b>work</b>'));
    expect(marked.status).toBe(0);
    expect(drawnByGraphviz(marked.svg).clusters.map((cluster) => cluster.title)).not.toEqual(HOSTILE_TITLES);
  });
});

describe('both languages', () => {
  test('the same plan draws the same text, however often it is loaded', () => {
    const [first, again] = [mysql(), mysql()];
    expect(planMermaid(first.plan, first.steps)).toBe(planMermaid(again.plan, again.steps));
    expect(planDot(first.plan, first.steps)).toBe(planDot(again.plan, again.steps));
  });

  test('web-host.yaml: every included check, dotted, in its box', async () => {
    const planned = await planOfFile('runbooks/web-host.yaml');
    expect(planned.steps.some((step) => step.id === 'logs.disk-usage')).toBe(true);
    const expected = expectedPicture(planned);
    expect(drawnByMermaid(await parseMermaid(planMermaid(planned.plan, planned.steps)))).toEqual(expected);
    expect(renderedByGraphviz(planDot(planned.plan, planned.steps))).toEqual(expected);
  });
});

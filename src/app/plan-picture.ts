// `runbook plan --format mermaid|dot`: the plan as a picture. One cluster per question, one node
// per check, solid arrows for depends_on and dashed "when" arrows for the checks a `when:` waits
// for, nodes coloured by host role. Both languages are drawn from one language-neutral picture so
// they always show the same graph; only naming and escaping differ.
import { groupBy } from '../model/group-by.js';
import type { Plan } from '../plan/plan.js';
import type { PlannedCheck } from './describe-plan.js';

interface PictureNode {
  /** A safe identifier by step (`n1`, `n2`): check ids hold dots and dashes, which neither language takes bare. */
  readonly key: string;
  /** Plain text lines, escaped only by the language that draws them. */
  readonly lines: readonly string[];
  /** 0-based index of the host role, for its colour. */
  readonly hostIndex: number;
}

interface PictureCluster {
  /** `q1`, `q2` by question order, for the same reason as node keys. */
  readonly key: string;
  readonly title: string;
  readonly nodes: readonly PictureNode[];
}

interface PictureEdge {
  readonly from: string;
  readonly to: string;
  /** `depends`: runs only after it passed; `when`: waits for it, whatever its outcome, to decide. */
  readonly kind: 'depends' | 'when';
}

interface Picture {
  readonly clusters: readonly PictureCluster[];
  readonly edges: readonly PictureEdge[];
  readonly hostCount: number;
}

/**
 * Hosts are colours, not a legend: every label already says `on <role> (<target>)`, so colour only
 * groups at a glance and the picture still reads in grey or for a colour-blind reader, while a
 * legend would add nodes that look like checks. Light fills with a darker stroke of the same hue,
 * text always near-black: readable on light and dark page themes alike. Beyond eight roles the
 * colours repeat; the label still names the role.
 */
const HOST_COLOURS: readonly { readonly fill: string; readonly stroke: string }[] = [
  { fill: '#dbeafe', stroke: '#1d4ed8' },
  { fill: '#ffedd5', stroke: '#c2410c' },
  { fill: '#dcfce7', stroke: '#15803d' },
  { fill: '#f3e8ff', stroke: '#7e22ce' },
  { fill: '#fef9c3', stroke: '#a16207' },
  { fill: '#fce7f3', stroke: '#be185d' },
  { fill: '#ccfbf1', stroke: '#0f766e' },
  { fill: '#f3f4f6', stroke: '#4b5563' },
];
const TEXT_COLOUR = '#111827';

const hostColour = (hostIndex: number): { fill: string; stroke: string } => HOST_COLOURS[hostIndex % HOST_COLOURS.length]!;

/** Declared roles in file order, then any role only a check names, so colours never depend on check order. */
const hostRoles = (plan: Plan, steps: readonly PlannedCheck[]): string[] =>
  [...new Set([...Object.keys(plan.runbook.hosts), ...steps.map((step) => step.host)])];

const nodeKey = (step: PlannedCheck): string => `n${step.step}`;

const nodeLines = (step: PlannedCheck): string[] => [
  step.id,
  step.kind,
  `on ${step.host} (${step.target})`,
  ...(step.when === undefined ? [] : [`when: ${step.when}`]),
];

/**
 * Questions in file order; a question no check of the plan belongs to draws no (empty) cluster.
 * Steps are grouped by question and roles indexed once: a scan of every step per question (and of
 * every role per step) was quadratic in a plan of thousands of questions.
 */
const clustersOf = (plan: Plan, steps: readonly PlannedCheck[], roles: readonly string[]): PictureCluster[] => {
  const titles = new Map(plan.runbook.questions.map((question) => [question.id, question.title]));
  const questionIds = [...new Set([...titles.keys(), ...steps.map((step) => step.question)])];
  const stepsOf = groupBy(steps, (step) => step.question);
  const roleIndex = new Map(roles.map((role, index) => [role, index]));
  return questionIds
    .map((questionId, index) => ({
      key: `q${index + 1}`,
      title: titles.get(questionId) ?? questionId,
      nodes: (stepsOf.get(questionId) ?? []).map((step) => ({ key: nodeKey(step), lines: nodeLines(step), hostIndex: roleIndex.get(step.host) ?? -1 })),
    }))
    .filter((cluster) => cluster.nodes.length > 0);
};

/**
 * Arrows point from what runs first to what waits for it. A target the plan does not hold (an
 * unknown depends_on, reported as an error before anything is drawn) gets no arrow: an arrow to an
 * undeclared key would make both languages invent a bare node.
 */
const edgesOf = (plan: Plan, steps: readonly PlannedCheck[]): PictureEdge[] => {
  const keyOf = new Map(steps.map((step) => [step.id, nodeKey(step)]));
  const checkOf = new Map(plan.order.map((check) => [check.id, check]));
  const arrows = (targets: readonly string[], to: string, kind: PictureEdge['kind']): PictureEdge[] =>
    [...new Set(targets)].flatMap((target) => {
      const from = keyOf.get(target);
      return from === undefined ? [] : [{ from, to, kind }];
    });
  return steps.flatMap((step) => [
    ...arrows(step.dependsOn, nodeKey(step), 'depends'),
    ...arrows(checkOf.get(step.id)?.when?.waitsFor ?? [], nodeKey(step), 'when'),
  ]);
};

const pictureOf = (plan: Plan, steps: readonly PlannedCheck[]): Picture => {
  const roles = hostRoles(plan, steps);
  return { clusters: clustersOf(plan, steps, roles), edges: edgesOf(plan, steps), hostCount: roles.length };
};

/** Control characters other than newlines cannot be drawn (and XML, under DOT's HTML labels, refuses them). */
const visibleText = (text: string): string => text.replace(/\r\n?/g, '\n').replace(/\p{Cc}/gu, (char) => (char === '\n' ? char : ' '));

// ---- Mermaid ----

/**
 * Mermaid runs regexes over the whole text before parsing: `%%{...}%%` anywhere is a directive (cut
 * out), `#word;` is an entity code, and a line holding `style` or `classDef`, then `:` and `#`,
 * loses its last `;` (hence `:` too). A label starting with a backtick is Markdown, and labels
 * render as HTML, where `<`, `>`, `&` are markup. Each is written as Mermaid's own entity code.
 */
const MERMAID_CODES: Readonly<Record<string, string>> = {
  '"': '#quot;',
  '&': '#amp;',
  '<': '#lt;',
  '>': '#gt;',
  '#': '#35;',
  '%': '#37;',
  ':': '#58;',
  '`': '#96;',
};

/** A quoted Mermaid label: escaped, each line break a `<br>` (a raw newline would end the statement). */
const mermaidLabel = (text: string): string =>
  `"${visibleText(text)
    .replace(/["&<>#%:`]/g, (char) => MERMAID_CODES[char]!)
    .replaceAll('\n', '<br>')}"`;

const mermaidNode = (node: PictureNode): string => `    ${node.key}[${mermaidLabel(node.lines.join('\n'))}]:::host${node.hostIndex + 1}`;

const mermaidCluster = (cluster: PictureCluster): string[] => [
  `  subgraph ${cluster.key}[${mermaidLabel(cluster.title)}]`,
  ...cluster.nodes.map(mermaidNode),
  '  end',
];

const mermaidEdge = (edge: PictureEdge): string => (edge.kind === 'depends' ? `  ${edge.from} --> ${edge.to}` : `  ${edge.from} -.->|when| ${edge.to}`);

const mermaidHostClasses = (hostCount: number): string[] =>
  Array.from({ length: hostCount }, (_, index) => {
    const { fill, stroke } = hostColour(index);
    return `  classDef host${index + 1} fill:${fill},stroke:${stroke},color:${TEXT_COLOUR}`;
  });

/** A `flowchart LR`: execution reads left to right, and the checks of a question stack in its column. */
export const planMermaid = (plan: Plan, steps: readonly PlannedCheck[]): string => {
  const picture = pictureOf(plan, steps);
  const lines = [
    'flowchart LR',
    ...picture.clusters.flatMap(mermaidCluster),
    ...picture.edges.map(mermaidEdge),
    ...mermaidHostClasses(picture.hostCount),
  ];
  return `${lines.join('\n')}\n`;
};

// ---- Graphviz DOT ----

/**
 * HTML-like labels (`label=<...>`) hold XML text: `&` and `<` are entities, and so is `>`, which
 * would end the label (DOT finds its end by counting angle brackets). Nothing else is special:
 * quotes, backslashes and `\N` stay text, unlike in a quoted DOT string.
 */
const htmlText = (text: string): string =>
  visibleText(text)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('\n', '<BR/>');

/** The check id in bold, what and where below it. */
const dotNodeLabel = (lines: readonly string[]): string => {
  const [id = '', ...details] = lines;
  return `<${[`<B>${htmlText(id)}</B>`, ...details.map(htmlText)].join('<BR/>')}>`;
};

const dotNode = (node: PictureNode): string => {
  const { fill, stroke } = hostColour(node.hostIndex);
  return `    ${node.key} [label=${dotNodeLabel(node.lines)}, fillcolor="${fill}", color="${stroke}"];`;
};

/** Cluster ids must start with `cluster` for Graphviz to draw a box around them. */
const dotCluster = (cluster: PictureCluster): string[] => [
  `  subgraph cluster_${cluster.key} {`,
  `    label=<${htmlText(cluster.title)}>;`,
  ...cluster.nodes.map(dotNode),
  '  }',
];

const dotEdge = (edge: PictureEdge): string =>
  edge.kind === 'depends' ? `  ${edge.from} -> ${edge.to};` : `  ${edge.from} -> ${edge.to} [style=dashed, label="when"];`;

export const planDot = (plan: Plan, steps: readonly PlannedCheck[]): string => {
  const picture = pictureOf(plan, steps);
  const lines = [
    'digraph plan {',
    '  rankdir=LR;',
    '  graph [fontname="Helvetica", fontsize=12, style="rounded", color="#9ca3af"];',
    `  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10, fontcolor="${TEXT_COLOUR}"];`,
    '  edge [fontname="Helvetica", fontsize=9, color="#4b5563"];',
    ...picture.clusters.flatMap(dotCluster),
    ...picture.edges.map(dotEdge),
    '}',
  ];
  return `${lines.join('\n')}\n`;
};

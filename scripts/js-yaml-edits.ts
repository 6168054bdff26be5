// Two edits to js-yaml 4.3's ES module as the bundle takes it (scripts/bundle.ts), so that it
// allocates only what it keeps. For every node it reads, js-yaml tries a flow collection first, and
// that function made an empty dictionary (`Object.create(null)`, about 190 bytes) before it looked
// at the node's first character; and it took a snapshot of its state (nine fields) before looking
// for a tag or an anchor, which a node nearly never has. A runbook of 20,000 checks (2.4 MB) made
// js-yaml allocate 87 MB, 40 MB with the edits, and every megabyte allocated brings the young
// generation's next collection nearer (204 -> 158 of them). Each edit moves an allocation behind
// the test that decides whether it is used, so js-yaml reads every text as before:
// test/runbook/js-yaml-edits.test.ts holds the edited module to the original over fuzzed YAML.
// Each edit names text that must occur exactly once: another js-yaml fails the build, loudly,
// instead of being bundled unedited or edited wrongly.

export interface SourceEdit {
  readonly why: string;
  readonly find: string;
  readonly replace: string;
}

const DICTIONARY = '    const overridableKeys = /* @__PURE__ */ Object.create(null);\n';
const NOT_A_FLOW_COLLECTION = '      _result = {};\n    } else {\n      return false;\n    }\n';
const SNAPSHOT = '        const propertyState = snapshotState(state);\n';

export const JS_YAML_EDITS: readonly SourceEdit[] = [
  {
    why: 'readFlowCollection makes its dictionary of keys a merge may override only once the node is a flow collection',
    find: `${DICTIONARY}    let keyNode;\n    let keyTag;\n    let valueNode;\n    let ch = state.input.charCodeAt(state.position);\n    if (ch === 91) {`,
    replace: '    let keyNode;\n    let keyTag;\n    let valueNode;\n    let ch = state.input.charCodeAt(state.position);\n    if (ch === 91) {',
  },
  { why: 'readFlowCollection makes that dictionary once it knows the node is a flow list or map', find: NOT_A_FLOW_COLLECTION, replace: `${NOT_A_FLOW_COLLECTION}${DICTIONARY}` },
  {
    // readTagProperty and readAnchorProperty each return false at once unless the character is `!`
    // (33) or `&` (38), and the snapshot is kept only when one of them read a property.
    why: 'composeNode snapshots its state only where a tag or an anchor starts',
    find: SNAPSHOT,
    replace: `        if (ch !== 33 && ch !== 38) break;\n${SNAPSHOT}`,
  },
];

/** `source` (js-yaml's dist/js-yaml.mjs, at `path`) with every edit made, or an error naming the edit that no longer fits. */
export const editedJsYaml = (source: string, path: string): string => {
  let edited = source;
  for (const edit of JS_YAML_EDITS) {
    const found = edited.split(edit.find).length - 1;
    if (found !== 1) {
      throw new Error(`${path}: the edit "${edit.why}" expects its text once and found it ${found} times: js-yaml changed; review scripts/js-yaml-edits.ts against it, or drop the edit`);
    }
    edited = edited.replace(edit.find, () => edit.replace);
  }
  return edited;
};

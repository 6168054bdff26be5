// A runbook of N checks for validate and plan at scale: questions of ten checks, each after the one
// before it, with an expectation each: the shape real runbooks have, many times over.
export const generatedRunbook = (checks: number): string => {
  const lines = ['version: 1', `title: ${checks} generated checks`, 'hosts:', '  here: local', 'questions:'];
  for (let question = 0; question < Math.ceil(checks / 10); question += 1) {
    lines.push(`  - id: q${question}`, `    title: Question ${question}`, '    checks:');
    for (let index = 0; index < 10 && question * 10 + index < checks; index += 1) {
      const id = `c${question}-${index}`;
      const after = index === 0 ? '' : `, depends_on: [c${question}-${index - 1}]`;
      lines.push(`      - { id: ${id}, on: here, run: "echo ${id}", expect: { stdout: { contains: ${id} } }${after} }`);
    }
  }
  return `${lines.join('\n')}\n`;
};

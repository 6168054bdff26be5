// Lines and columns counted in the text itself. The YAML parser tells a LineCounter of the line
// breaks it meets, but in a broken document it skips some (the body of a block scalar it could not
// place, as in `s\n: |\n\n}`): every position after such a break then lands on an earlier line, at
// a column past that line's end. Found by fuzzing (test/runbook/fuzz.test.ts).
import { LineCounter } from 'yaml';

/** A LineCounter holding every line start of `text`: "\n" ends a line, as the YAML library counts. */
export const lineCounterOf = (text: string): LineCounter => {
  const counter = new LineCounter();
  counter.addNewLine(0);
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) counter.addNewLine(at + 1);
  return counter;
};

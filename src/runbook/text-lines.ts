// Lines and columns counted in the text itself. The YAML parser tells a LineCounter of the line
// breaks it meets, but in a broken document it skips some (the body of a block scalar it could not
// place, as in `s\n: |\n\n}`): every position after such a break then lands on an earlier line, at
// a column past that line's end. Found by fuzzing (test/runbook/fuzz.test.ts).
//
// Counted here rather than with the library's LineCounter: the quick reading places a run's checks
// without the YAML library, which then never loads (yaml-library.ts).

/** Line and column of an offset, both from 1, as the YAML library's LineCounter gives them. */
export interface LinePosition {
  readonly line: number;
  readonly col: number;
}

/** Where each line of a text starts: "\n" ends a line, as the YAML library counts. */
export class TextLines {
  readonly #starts: number[] = [0];

  constructor(text: string) {
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) this.#starts.push(at + 1);
  }

  linePos(offset: number): LinePosition {
    // The last line that starts at or before the offset.
    let [low, high] = [0, this.#starts.length - 1];
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.#starts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, col: offset - this.#starts[low]! + 1 };
  }
}

export const lineCounterOf = (text: string): TextLines => new TextLines(text);

// TAP read back as a harness reads it: tap-parser, strict (a line that is not TAP fails the
// stream, so none may slip in), every level of subtests kept.
import { Parser, type FinalResults, type Result } from 'tap-parser';

export interface ParsedTap {
  readonly asserts: Result[];
  readonly children: ParsedTap[];
  readonly comments: string[];
  readonly extra: string[];
  readonly versions: number[];
  results?: FinalResults;
}

const listen = (parser: Parser): ParsedTap => {
  const parsed: ParsedTap = { asserts: [], children: [], comments: [], extra: [], versions: [] };
  parser.on('assert', (result: Result) => parsed.asserts.push(result));
  parser.on('child', (child: Parser) => parsed.children.push(listen(child)));
  parser.on('comment', (comment: string) => parsed.comments.push(comment));
  parser.on('extra', (extra: string) => parsed.extra.push(extra));
  parser.on('version', (version: number) => parsed.versions.push(version));
  parser.on('complete', (results: FinalResults) => {
    parsed.results = results;
  });
  return parsed;
};

export const parseTap = (text: string): ParsedTap => {
  const parser = new Parser({ strict: true });
  const parsed = listen(parser);
  parser.end(text);
  return parsed;
};

/**
 * How docker's actions read a list input (docker/actions-toolkit `Util.getInputList`): the text
 * is parsed as CSV (csv-parse with `relax_quotes`, `relax_column_count`, `skip_empty_lines`),
 * one record per line. With `ignoreComma` a record's fields are joined back with `,` (one item
 * per line: docker/metadata-action's `tags`, `images`, `flavor`); without it every field is an
 * item (docker/build-push-action's `tags`: a comma separates tags too). Items are trimmed and
 * empty ones dropped. A `comment` character starts a comment only at the start of a line when
 * `commentNoInfix` is set (metadata-action: `type=raw,value=foo#bar` keeps its `#`).
 */
export interface ListOptions {
  ignoreComma?: boolean;
  comment?: string;
  commentNoInfix?: boolean;
}

export function actionInputList(input: string, options: ListOptions = {}): string[] {
  const items: string[] = [];
  for (const record of csvRecords(input, options)) {
    if (options.ignoreComma) items.push(record.join(","));
    else items.push(...record);
  }
  return items.map((item) => item.trim()).filter((item) => item.length > 0);
}

/**
 * CSV records as csv-parse reads them here: a field that starts with `"` is quoted (`""` is
 * one quote, commas and line breaks inside stay); a `"` elsewhere is kept as written
 * (`relax_quotes`). Empty lines are skipped.
 */
export function csvRecords(input: string, options: Pick<ListOptions, "comment" | "commentNoInfix"> = {}): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let fieldStart = true;
  let quoted = false;
  let lineHasContent = false;
  const endField = () => {
    record.push(field);
    field = "";
    fieldStart = true;
  };
  const endRecord = () => {
    if (lineHasContent) {
      endField();
      records.push(record);
    }
    record = [];
    field = "";
    fieldStart = true;
    lineHasContent = false;
  };
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (quoted) {
      if (ch === '"' && input[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
      continue;
    }
    if (ch === "\r" && input[i + 1] === "\n") continue;
    if (ch === "\n" || ch === "\r") {
      endRecord();
      continue;
    }
    const atLineStart = !lineHasContent;
    if (options.comment !== undefined && ch === options.comment && (atLineStart || !options.commentNoInfix)) {
      // The rest of the line is a comment.
      while (i + 1 < input.length && input[i + 1] !== "\n" && input[i + 1] !== "\r") i++;
      if (atLineStart) continue;
      endRecord();
      continue;
    }
    lineHasContent = true;
    if (ch === '"' && fieldStart) {
      quoted = true;
      fieldStart = false;
      continue;
    }
    if (ch === ",") {
      endField();
      continue;
    }
    field += ch;
    fieldStart = false;
  }
  if (quoted) lineHasContent = true;
  endRecord();
  return records;
}

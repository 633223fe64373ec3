import type { ExpandedText } from "./expanded-text.js";
import { atomsToText, isHole, toAtoms } from "./text-atoms.js";

/**
 * Command-line options read the way the tools' flag library (spf13/pflag, used by
 * docker, buildx, podman, buildah and kaniko) reads them: `--name value`,
 * `--name=value`, `-n value`, `-nvalue`, `-n=value`, clustered short flags (`-qt x`),
 * and `--` ending the options.
 */
export interface OptionSpec {
  /** Long names that take a value. */
  valued: ReadonlySet<string>;
  /** Long names that are flags (a value only as `--name=value`). */
  flags: ReadonlySet<string>;
  /** Short letter → long name. */
  short: Readonly<Record<string, string>>;
}

export interface ParsedOption {
  name: string;
  value?: ExpandedText;
}

export interface ParsedArgs {
  options: ParsedOption[];
  /** Arguments that are not options; `afterUnknown` when it may be an unknown option's value. */
  positionals: Array<{ value: ExpandedText; afterUnknown: boolean }>;
  /** Options we do not know (we cannot tell whether they take a value). */
  unknownOptions: string[];
}

export function makeSpec(valued: string[], flags: string[], short: Record<string, string>): OptionSpec {
  return { valued: new Set(valued), flags: new Set(flags), short };
}

export function parseArgs(fields: ExpandedText[], spec: OptionSpec): ParsedArgs {
  const result: ParsedArgs = { options: [], positionals: [], unknownOptions: [] };
  let afterUnknown = false;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    const atoms = toAtoms(field.pieces);
    const positional = () => {
      result.positionals.push({ value: field, afterUnknown });
      afterUnknown = false;
    };
    if (atoms[0] !== "-" || atoms.length === 1) {
      positional();
      continue;
    }
    if (atoms[1] === "-" && atoms.length === 2) {
      // `--`: everything after is an argument.
      for (const rest of fields.slice(i + 1)) result.positionals.push({ value: rest, afterUnknown: false });
      break;
    }
    afterUnknown = false;
    if (atoms[1] === "-") {
      const eq = atoms.indexOf("=");
      const nameAtoms = atoms.slice(2, eq < 0 ? undefined : eq);
      if (nameAtoms.some(isHole)) {
        result.unknownOptions.push(atomsToText(atoms, field).pieces.map((p) => (p.kind === "text" ? p.text : `«${p.label}»`)).join(""));
        afterUnknown = eq < 0;
        continue;
      }
      const name = nameAtoms.join("");
      if (eq >= 0) {
        result.options.push({ name, value: atomsToText(atoms.slice(eq + 1), field) });
        if (!spec.valued.has(name) && !spec.flags.has(name)) result.unknownOptions.push(`--${name}`);
      } else if (spec.valued.has(name)) {
        const next = fields[i + 1];
        result.options.push({ name, value: next });
        i++;
      } else {
        result.options.push({ name });
        if (!spec.flags.has(name)) {
          result.unknownOptions.push(`--${name}`);
          afterUnknown = true;
        }
      }
      continue;
    }
    // A cluster of short options.
    for (let j = 1; j < atoms.length; j++) {
      const letter = atoms[j];
      if (typeof letter !== "string") {
        result.unknownOptions.push("-«…»");
        afterUnknown = true;
        break;
      }
      const long = spec.short[letter];
      if (long === undefined) {
        result.unknownOptions.push(`-${letter}`);
        afterUnknown = j === atoms.length - 1;
        break;
      }
      if (spec.valued.has(long)) {
        let rest = atoms.slice(j + 1);
        if (rest[0] === "=") rest = rest.slice(1);
        if (rest.length > 0) result.options.push({ name: long, value: atomsToText(rest, field) });
        else {
          result.options.push({ name: long, value: fields[i + 1] });
          i++;
        }
        break;
      }
      result.options.push({ name: long });
    }
  }
  return result;
}

/** Every value of an option, in order (repeatable options such as `--tag`). */
export function optionValues(args: ParsedArgs, name: string): ExpandedText[] {
  return args.options.filter((o) => o.name === name && o.value !== undefined).map((o) => o.value!);
}

/** Whether a flag is on: `--push`, `--push=true`; `--push=false` is off. */
export function flagOn(args: ParsedArgs, name: string): boolean {
  let on = false;
  for (const o of args.options) {
    if (o.name !== name) continue;
    if (o.value === undefined) on = true;
    else {
      const text = o.value.pieces.map((p) => (p.kind === "text" ? p.text : "?")).join("");
      on = text === "true" || text === "1";
    }
  }
  return on;
}

import type { CompiledPattern } from "./regex.js";

/**
 * Possible worlds of the values nobody knows statically. Evaluating `rules:if` with a third truth
 * value ("unknown") reads each unknown variable independently: `$U == "a" || $U != "a"` is
 * unknown, and two rules `$U == "bot"` / `$U != "bot"` look as if neither might match, although
 * one always does. Here every question an evaluation asks about an unknown value — is it set, is
 * it equal to `"bot"`, does `/^v\d/` match it, is it blank — is a choice, answered the same way
 * for the rest of that world. Trying every sequence of choices (`everyWorld`) gives every outcome
 * GitLab can reach, correlated across all the reads of one variable, in one expression or in a
 * whole `rules:` list.
 *
 * The worlds are a superset of what GitLab can see (two regex tests may both be answered "match"
 * although no string matches both), never a subset: a result that is the same in every world is
 * the same for every real value. Equality is exact: once a value equals `"bot"`, every later test
 * is computed on `"bot"`, and a choice that contradicts an earlier answer is not offered.
 */

/** What is known of an unknown variable's value. */
export interface UnknownDomain {
  /** GitLab may leave it unset. */
  maybeAbsent?: boolean;
  /** A value GitLab sets is never blank. */
  nonEmpty?: boolean;
  /**
   * Names one unknown value several variables hold (CI_MERGE_REQUEST_PROJECT_PATH is
   * CI_PROJECT_PATH): they are then one value in every world, so `$A == $B` holds.
   */
  sameValueAs?: string;
}

/**
 * ActiveSupport `blank?` for strings: `/\A[[:space:]]*\z/`, where Ruby's `[[:space:]]` is Unicode
 * White_Space (not JavaScript's `\s`, which adds U+FEFF and lacks U+0085).
 */
export const BLANK = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

interface Fact {
  test: (value: string) => boolean;
  answer: boolean;
}

/** A set variable known only by the answers given about it in one world. */
export class OpaqueValue {
  private equalTo: string | undefined;
  private readonly notEqualTo = new Set<string>();
  private readonly facts = new Map<string, Fact>();

  constructor(
    readonly name: string,
    private readonly world: World,
    private readonly nonEmpty: boolean,
  ) {}

  /** `== text`. */
  equals(text: string): boolean {
    if (this.equalTo !== undefined) return this.equalTo === text;
    if (this.notEqualTo.has(text) || !this.couldBe(text)) return false;
    if (this.world.choose()) {
      this.equalTo = text;
      return true;
    }
    this.notEqualTo.add(text);
    return false;
  }

  /** ActiveSupport `present?`: not blank. */
  isPresent(): boolean {
    return this.nonEmpty || this.fact("present", (v) => !BLANK.test(v));
  }

  /** Whether the pattern is found in the value (GitLab's `=~` searches). */
  matches(pattern: CompiledPattern): boolean {
    return this.fact(`=~${pattern.re2}`, (v) => pattern.test(v));
  }

  /** Ruby `text.scan(value)`: whether the value occurs in `text`. */
  occursIn(text: string): boolean {
    return this.fact(`in${text}`, (v) => text.includes(v));
  }

  /** `==` with another unknown value. */
  sameAs(other: OpaqueValue): boolean {
    if (other === this) return true;
    if (other.equalTo !== undefined) return this.equals(other.equalTo);
    if (this.equalTo !== undefined) return other.equals(this.equalTo);
    const [a, b] = [this.name, other.name].sort();
    return this.world.flag(`${a}\0==\0${b}`);
  }

  private fact(key: string, test: (value: string) => boolean): boolean {
    if (this.equalTo !== undefined) return test(this.equalTo);
    const known = this.facts.get(key);
    if (known) return known.answer;
    const answer = this.world.choose();
    this.facts.set(key, { test, answer });
    return answer;
  }

  /** Whether `text` agrees with every answer given so far. */
  private couldBe(text: string): boolean {
    if (this.nonEmpty && BLANK.test(text)) return false;
    for (const f of this.facts.values()) if (f.test(text) !== f.answer) return false;
    return true;
  }
}

/** One world: the answers to every question asked so far about the unknown inputs. */
export class World {
  private readonly variables = new Map<string, OpaqueValue | null>();
  private readonly flags = new Map<string, boolean>();

  constructor(readonly choose: () => boolean) {}

  /** The variable's value in this world: unset (`undefined`) or set to an unknown value. */
  variable(name: string, domain: UnknownDomain): OpaqueValue | undefined {
    const key = domain.sameValueAs ?? name;
    let value = this.variables.get(key);
    if (value === undefined) {
      value = domain.maybeAbsent && this.choose() ? null : new OpaqueValue(key, this, !!domain.nonEmpty);
      this.variables.set(key, value);
    }
    return value ?? undefined;
  }

  /** A yes/no fact of this world with no structure of its own (a `changes:` whose files are unknown). */
  flag(key: string): boolean {
    let answer = this.flags.get(key);
    if (answer === undefined) this.flags.set(key, (answer = this.choose()));
    return answer;
  }
}

/**
 * `run` in every world its questions lead to (depth first, "no" before "yes"), or `undefined`
 * when there are more than `limit` of them.
 */
export function everyWorld<T>(run: (world: World) => T, limit: number): T[] | undefined {
  const results: T[] = [];
  let path: boolean[] = [];
  for (let count = 0; count < limit; count++) {
    const taken: boolean[] = [];
    const choose = (): boolean => {
      const answer = taken.length < path.length ? (path[taken.length] as boolean) : false;
      taken.push(answer);
      return answer;
    };
    results.push(run(new World(choose)));
    // The next world: the last "no" answered "yes", everything after it asked afresh.
    let last = taken.length - 1;
    while (last >= 0 && taken[last]) last--;
    if (last < 0) return results;
    path = [...taken.slice(0, last), true];
  }
  return undefined;
}

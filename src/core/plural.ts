/** `1 job`, `2 jobs`, `3 matrices` — one way to count things in every message. */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}

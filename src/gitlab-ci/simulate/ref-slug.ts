/**
 * GitLab's `Gitlab::Utils.slugify`, used for CI_COMMIT_REF_SLUG, CI_PROJECT_PATH_SLUG and
 * CI_JOB_NAME_SLUG: downcase, replace every character outside `[a-z0-9]` with `-`, keep the
 * first 63 characters, THEN strip leading and trailing `-` (lib/gitlab/utils.rb:
 * `str.downcase.gsub(/[^a-z0-9]/, '-')[0..62].gsub(/(\A-+|-+\z)/, '')`).
 * After the replacement every character is ASCII, so 63 characters are 63 bytes.
 */
export function slugify(text: string): string {
  // The `u` flag makes one code point (not one UTF-16 half) become one `-`, as Ruby's gsub does.
  const replaced = text.toLowerCase().replace(/[^a-z0-9]/gu, "-");
  return replaced.slice(0, 63).replace(/^-+|-+$/g, "");
}

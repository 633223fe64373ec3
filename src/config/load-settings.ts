import { error, warning } from "../core/diagnostic.js";
import type { FileSource } from "../core/file-source.js";
import { defaultSettings } from "./defaults.js";
import type { LoadedSettings } from "./settings.js";

/** Where the settings file may live, in the order they are looked up. */
export const SETTINGS_PATHS = [".ci-explain.yml", ".github/ci-explain.yml", ".gitlab/ci-explain.yml"];

/**
 * Find, parse and validate the repository's settings file, filling defaults.
 * Without a file the defaults apply; with an invalid file the defaults apply too, and the
 * diagnostics say why, so the bot still reports (and the report shows the settings error).
 */
export async function loadSettings(source: FileSource, explicitPath?: string): Promise<LoadedSettings> {
  const candidates = explicitPath ? [explicitPath] : SETTINGS_PATHS;
  // Every place is read, so asked for together: an API source answers them in one request.
  const texts = await Promise.all(candidates.map((path) => source.read(path)));
  const found = candidates.flatMap((path, i) => (texts[i] === undefined ? [] : [{ path, text: texts[i] }]));
  if (found.length === 0) {
    return explicitPath
      ? { settings: defaultSettings(), diagnostics: [error("file-missing", `settings file ${explicitPath} not found`)] }
      : { settings: defaultSettings(), diagnostics: [] };
  }
  const [chosen, ...ignored] = found;
  const diagnostics = ignored.map((f) =>
    warning("config-invalid", `${f.path} is ignored: ${chosen.path} is read first`, { file: f.path, line: 1 }),
  );
  // The validator (and its schema library) is loaded only for a repository that has the file.
  const { parseSettingsText } = await import("./parse-settings.js");
  const parsed = parseSettingsText(chosen.text, chosen.path);
  return { settings: parsed.settings, path: chosen.path, diagnostics: [...diagnostics, ...parsed.diagnostics], explicit: parsed.explicit };
}


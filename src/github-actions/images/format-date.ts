import dayjs from "dayjs";
import advancedFormat from "dayjs/plugin/advancedFormat.js";
import timezone from "dayjs/plugin/timezone.js";
import utc from "dayjs/plugin/utc.js";

dayjs.extend(utc);
dayjs.extend(timezone);
dayjs.extend(advancedFormat);

/**
 * A date as docker/metadata-action prints `{{date '<format>' tz='<timezone>'}}`: moment-timezone's
 * `moment(date).tz(tz).format(format)`, UTC unless `tz` is given (README, "Global expressions").
 * dayjs reads moment's format tokens (`YYYY`, `MM`, `DD`, `HH`, `hh`, `mm`, `ss`, `X`, `[...]`).
 * Undefined when the time zone is not one the runtime knows.
 */
export function formatDate(iso: string, format: string, tz: string): string | undefined {
  try {
    return dayjs(iso).tz(tz).format(format);
  } catch {
    return undefined;
  }
}

/** Whether `text` is a time the CLI and settings accept (ISO 8601, as `Date` reads it). */
export function isTime(text: string): boolean {
  return !Number.isNaN(Date.parse(text));
}

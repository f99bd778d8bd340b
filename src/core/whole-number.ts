import { InvalidOptionsError } from "./errors.js";

/**
 * `value` when it is a whole number from 1 to `max`, else InvalidOptionsError naming `option`:
 * the one check behind every count and duration option (attempts, limits, batch sizes, timeouts).
 */
export function wholeNumber(option: string, value: unknown, max: number = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? "of 1 or more" : `from 1 to ${max}`;
    throw new InvalidOptionsError(`${option} must be a whole number ${range}, got ${String(value)}`);
  }
  return value;
}

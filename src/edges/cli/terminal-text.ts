// C0 controls, DEL, C1 controls (0x9b is a one-byte CSI on some terminals), and the bidirectional
// overrides that make a line read differently from the bytes it holds
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every control character written out as an escape (`\x1b`, `\n`, `\u202e`), so a
 * value that came from outside (an event id or name, a payload, an error message, a URL) prints
 * as the characters it holds and cannot move the cursor, clear the screen, recolour or forge a
 * line. Every line `herald` prints about such a value goes through it. Never throws.
 * @example
 * escapeControl("a\u001b[2Jb"); // "a\\x1b[2Jb"
 */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (char) => {
    const code = char.charCodeAt(0);
    if (char === "\n") return "\\n";
    if (char === "\r") return "\\r";
    if (char === "\t") return "\\t";
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/** {@link escapeControl} per line: keeps the line breaks of a multi-line text (a stack) and escapes the rest. */
export function escapeLines(text: string): string {
  return text.split("\n").map(escapeControl).join("\n");
}

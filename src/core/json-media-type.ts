/**
 * True for a JSON media type, with any parameters: `application/json`, `application/*+json`
 * (CloudEvents, problem+json, ...) and the older `text/json`. The one place herald decides
 * "is this JSON?", for request bodies and CloudEvents' `datacontenttype` alike.
 */
export function isJsonMediaType(contentType: string | null | undefined): boolean {
  if (typeof contentType !== "string") return false;
  const semicolon = contentType.indexOf(";");
  const type = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  return type === "application/json" || type === "text/json" || /^application\/[\w.+-]+\+json$/.test(type);
}

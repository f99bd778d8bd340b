/** One problem the page found, shaped like a Standard Schema issue. */
export interface PageIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** The send form's check of `value` against a JSON Schema; empty when it passes. */
export declare function validate(schema: unknown, value: unknown, path?: readonly (string | number)[]): PageIssue[];

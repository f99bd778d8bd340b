/** What the docs' Trigger.dev hooks assume (```ts prelude=trigger): a mailer, an audit log, alerts. */
export declare const mailer: { send(to: string): Promise<string> };
export declare const audit: { log(name: string, data: Record<string, unknown>): Promise<void> };
export declare const alerts: { notify(message: string, error: unknown): Promise<void> };
export class MailboxFullError extends Error {}

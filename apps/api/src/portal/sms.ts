/** One SMS as the portal sent it. */
export interface SmsMessage {
  readonly to: string;
  readonly text: string;
  readonly at: Date;
}

/** Where the portal's SMS codes go; a real deployment passes its operator gateway here. */
export interface SmsSender {
  send(to: string, text: string): Promise<void>;
}

/**
 * The development default: messages are kept in memory (the newest 50) and shown on the
 * `/dev/sms-outbox` page instead of reaching a phone.
 */
export class DevSmsOutbox implements SmsSender {
  static readonly LIMIT = 50;
  readonly #messages: SmsMessage[] = [];

  async send(to: string, text: string): Promise<void> {
    this.#messages.unshift({ to, text, at: new Date() });
    this.#messages.length = Math.min(this.#messages.length, DevSmsOutbox.LIMIT);
  }

  /** Newest first. */
  messages(): readonly SmsMessage[] {
    return this.#messages;
  }
}

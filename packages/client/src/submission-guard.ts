/**
 * Remembers, per verification code, that signatures were sent, so that no code of a process
 * (a double click, a second window, a retry button) sends them a second time.
 */
export class SubmissionGuard {
  private readonly sent = new Set<string>();

  /** Claims the one submission of `verificationCode`; false when it was already claimed. */
  claim(verificationCode: string): boolean {
    if (this.sent.has(verificationCode)) return false;
    this.sent.add(verificationCode);
    return true;
  }

  /**
   * Gives the claim back, only when the server has confirmed that the submission did not
   * reach it (the challenge is still pending), or when nothing was sent at all.
   */
  release(verificationCode: string): void {
    this.sent.delete(verificationCode);
  }

  has(verificationCode: string): boolean {
    return this.sent.has(verificationCode);
  }
}

/** The process-wide guard that flows share unless a test gives them their own. */
export const processSubmissionGuard = new SubmissionGuard();

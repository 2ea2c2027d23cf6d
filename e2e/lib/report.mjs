// Why: one place that counts checks, prints each failure in full, and ends with the plain
// "N passed, N failed" line that CI reads, so a failing page never hides behind a passing one.

export class Report {
  passed = 0;
  failed = 0;
  failures = [];

  /** Runs one named check; a thrown error is a failure with its message, the run goes on. */
  async check(name, fn) {
    try {
      await fn();
      this.passed += 1;
      console.log(`ok    ${name}`);
      return true;
    } catch (error) {
      this.failed += 1;
      this.failures.push(name);
      // A failed expectation says all in its message; anything else needs its stack.
      const detail = error instanceof ExpectationFailed ? error.message : (error?.stack ?? String(error));
      console.log(`FAIL  ${name}\n${indent(detail)}`);
      return false;
    }
  }

  /** Prints the closing lines and returns the process exit code. */
  finish() {
    if (this.failures.length > 0) {
      console.log(`\nfailed checks:\n${this.failures.map((n) => `  - ${n}`).join('\n')}`);
    }
    console.log(`\ne2e: ${this.passed} passed, ${this.failed} failed`);
    return this.failed === 0 && this.passed > 0 ? 0 : 1;
  }
}

export function indent(text, by = '      ') {
  return String(text)
    .split('\n')
    .map((line) => by + line)
    .join('\n');
}

/** Throws with `message` unless `condition` holds: assertions that say what the page showed. */
export function expect(condition, message) {
  if (!condition) throw new ExpectationFailed(message);
}

export class ExpectationFailed extends Error {}

/**
 * Why a case failed: the one error the suite's checks throw. `code` tells a wrong answer
 * (`mismatch`), an answer that never came (`timeout`) and a frame or body the protocol's
 * schemas refuse (`invalid-message`) apart; anything else a case throws is reported as
 * `error` (a refused connection, a bug in the case).
 */
export type FailureCode = 'mismatch' | 'timeout' | 'invalid-message' | 'error';

export class ConformanceFailure extends Error {
  readonly code: FailureCode;

  constructor(code: FailureCode, message: string) {
    super(message);
    this.name = 'ConformanceFailure';
    this.code = code;
  }
}

import { ErrorCode, RpcError } from '../errors.js';
import type { GoModelProblem } from './go-model.js';

/**
 * GoSourceFailure says why a Go package could not be read:
 *
 * - `go-missing`: no `go` command to run;
 * - `go-too-old`: the `go` found is older than 1.19;
 * - `build`: the model reader (go/rpcgen) did not compile;
 * - `load`: the folder holds no buildable Go files, or files of several packages;
 * - `parse`: a file has syntax errors (`problems` has Go's messages);
 * - `type`: the package does not compile (`problems` has Go's messages);
 * - `no-services`: the package declares no type net/rpc would register;
 * - `timeout`: reading took longer than allowed, or was aborted;
 * - `bad-output`: the model reader printed something this version cannot read.
 */
export type GoSourceFailure =
  | 'go-missing'
  | 'go-too-old'
  | 'build'
  | 'load'
  | 'parse'
  | 'type'
  | 'no-services'
  | 'timeout'
  | 'bad-output';

/**
 * GoSourceError is the error reading a Go package fails with. Its code is
 * {@link ErrorCode.InvalidArgument} (the folder given cannot be read as a
 * net/rpc package); `failure` says why, and `problems` holds Go's own
 * messages with their `file.go:line:column`, when there are some.
 */
export class GoSourceError extends RpcError {
  /** Why the package could not be read. */
  readonly failure: GoSourceFailure;
  /** Go's messages, in Go's order, positions relative to the package folder. */
  readonly problems: readonly GoModelProblem[];

  constructor(failure: GoSourceFailure, message: string, options?: { problems?: readonly GoModelProblem[]; cause?: unknown }) {
    super(ErrorCode.InvalidArgument, message, { cause: options?.cause });
    this.failure = failure;
    this.problems = options?.problems ?? [];
  }
}

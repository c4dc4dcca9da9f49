/**
 * Assertions that a promise rejects, returning the error for the test to
 * inspect.
 */
import { expect } from 'vitest';
import { RpcError } from '../../src/errors.js';

/** rejection resolves with the error `p` rejects with, and fails the test if it resolves. */
export async function rejection<E = RpcError>(p: Promise<unknown>): Promise<E> {
  try {
    await p;
  } catch (err) {
    return err as E;
  }
  throw new Error('expected a rejection');
}

/** rpcRejection is {@link rejection} that also fails the test unless the error is an RpcError. */
export async function rpcRejection(p: Promise<unknown>): Promise<RpcError> {
  const err = await rejection<unknown>(p);
  expect(err).toBeInstanceOf(RpcError);
  return err as RpcError;
}

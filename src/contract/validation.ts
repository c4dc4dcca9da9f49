import type { z } from 'zod';

/**
 * describeIssues turns a zod error into one line naming each field and its
 * problem: `A: expected int, received string; B: required`.
 */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      const message = issue.message.replace(/^Invalid input: /, '');
      return path ? `${path}: ${message}` : message;
    })
    .join('; ');
}

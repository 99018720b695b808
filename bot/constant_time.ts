const encoder = new TextEncoder();

/**
 * Compares two secrets in time that depends only on the expected one's length, so a caller cannot
 * learn the secret byte by byte from response times.
 */
export function constantTimeEqual(given: string, expected: string): boolean {
  const a = encoder.encode(given);
  const b = encoder.encode(expected);
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a[i % Math.max(a.length, 1)] ?? 0) ^ b[i];
  return diff === 0;
}

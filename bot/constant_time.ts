/**
 * Compares two secrets in time that depends only on the expected one's length, so a caller cannot
 * learn the secret byte by byte from response times. It compares UTF-16 code units, which is exact
 * equality for any strings, and spares encoding both to bytes on every request.
 */
export function constantTimeEqual(given: string, expected: string): boolean {
  let diff = given.length ^ expected.length;
  // Indexing `given` modulo its length keeps every step the same however long or short it is.
  const span = Math.max(given.length, 1);
  for (let i = 0; i < expected.length; i++) {
    diff |= (given.charCodeAt(i % span) | 0) ^ expected.charCodeAt(i);
  }
  return diff === 0;
}

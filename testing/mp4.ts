/**
 * The frame size of an MP4/QuickTime file, read from the first track header (`tkhd` box) whose width is
 * not zero (an audio track has none); undefined when the bytes hold no such box. Width and height are
 * 16.16 fixed-point numbers at the end of the box, after a version-dependent set of times.
 */
export function mp4FrameSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // 't','k','h','d'
  for (let i = 4; i + 4 <= bytes.length; i++) {
    if (bytes[i] !== 0x74 || bytes[i + 1] !== 0x6b || bytes[i + 2] !== 0x68 || bytes[i + 3] !== 0x64) {
      continue;
    }
    const version = bytes[i + 4];
    // After the version and flags: times and ids (20 bytes in version 0, 32 in version 1), then
    // 8 reserved, layer, alternate group, volume, 2 reserved and a 36-byte matrix.
    const sizes = i + 8 + (version === 1 ? 32 : 20) + 8 + 8 + 36;
    if (sizes + 8 > bytes.length) return undefined;
    const width = view.getUint32(sizes) >>> 16;
    const height = view.getUint32(sizes + 4) >>> 16;
    if (width > 0 && height > 0) return { width, height };
  }
  return undefined;
}

// How a capture tool shows a payload: readable text when the bytes are (almost all) printable — an
// HTTP request, a password in a form — else hex, as for TLS records, whose bytes look random.

/** Readable text when the bytes are (almost all) printable, else hex: how a capture tool shows them. */
export function payloadPreview(bytes: Uint8Array, maxBytes: number): { preview: string; previewFormat: 'text' | 'hex' | 'none' } {
  if (bytes.length === 0) return { preview: '', previewFormat: 'none' };
  const shown = bytes.subarray(0, maxBytes);
  let printable = 0;
  for (const b of shown) if ((b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x0d || b === 0x09) printable++;
  if (printable >= shown.length * 0.9) {
    let text = '';
    for (const b of shown) text += (b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x0d || b === 0x09 ? String.fromCharCode(b) : '.';
    return { preview: text, previewFormat: 'text' };
  }
  let hex = '';
  for (const b of shown) hex += b.toString(16).padStart(2, '0');
  return { preview: hex, previewFormat: 'hex' };
}

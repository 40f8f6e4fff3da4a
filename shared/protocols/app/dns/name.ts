// Domain names (RFC 1035 §2.3.1, §2.3.4, §3.1, §5.1): a name is a sequence of labels, each 1–63
// bytes, ending in the empty root label; on the wire each label is its length byte and its bytes, so
// a whole name (length bytes and the root's zero included) is at most 255 bytes. People read and
// write the presentation form "www.example.com." in which "\." "\\" and "\DDD" (a decimal byte)
// escape what is not a plain printable character. Names compare without regard to ASCII case
// (RFC 4343), so lookups use a lower-cased key.

export const MAX_LABEL_BYTES = 63;
export const MAX_NAME_BYTES = 255;
export const ROOT_NAME = '.';

export type NameResult = { ok: true; labels: Uint8Array[] } | { ok: false; error: string };

const BACKSLASH = 0x5c;
const DOT = 0x2e;

/** Wire length of a name made of these labels: a length byte per label, its bytes, and the root's zero. */
export function nameWireBytes(labels: readonly Uint8Array[]): number {
  let n = 1;
  for (const l of labels) n += 1 + l.length;
  return n;
}

/**
 * The labels of an absolute name in presentation form ("example.com." or "example.com", both meaning
 * the same absolute name; "." is the root). Escapes are honoured; limits are checked.
 */
export function nameLabels(text: string): NameResult {
  if (text === '') return { ok: false, error: 'a name must not be empty' };
  if (text === ROOT_NAME) return { ok: true, labels: [] };
  const labels: Uint8Array[] = [];
  let current: number[] = [];
  let i = 0;
  const endLabel = (): string | null => {
    if (current.length === 0) return 'has an empty label (two dots in a row, or a leading dot)';
    if (current.length > MAX_LABEL_BYTES) return `has a label of ${current.length} bytes (at most ${MAX_LABEL_BYTES})`;
    labels.push(Uint8Array.from(current));
    current = [];
    return null;
  };
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c > 0x7e || c < 0x20) return { ok: false, error: `"${text}" must be written in ASCII (international names in punycode, xn--...)` };
    if (c === BACKSLASH) {
      const d = /^\d{3}/.exec(text.slice(i + 1, i + 4));
      if (d !== null) {
        const v = Number(d[0]);
        if (v > 255) return { ok: false, error: `"${text}" has the escape \\${d[0]}, above 255` };
        current.push(v);
        i += 4;
      } else if (i + 1 < text.length) {
        current.push(text.charCodeAt(i + 1));
        i += 2;
      } else {
        return { ok: false, error: `"${text}" ends in a lone backslash` };
      }
      continue;
    }
    if (c === DOT) {
      const problem = endLabel();
      if (problem !== null) return { ok: false, error: `"${text}" ${problem}` };
      i++;
      continue;
    }
    if (c === 0x20) return { ok: false, error: `"${text}" has a space (write it as \\032)` };
    current.push(c);
    i++;
  }
  if (current.length > 0) {
    const problem = endLabel();
    if (problem !== null) return { ok: false, error: `"${text}" ${problem}` };
  }
  const wire = nameWireBytes(labels);
  if (wire > MAX_NAME_BYTES) return { ok: false, error: `"${text}" is ${wire} bytes on the wire (at most ${MAX_NAME_BYTES})` };
  return { ok: true, labels };
}

function labelText(label: Uint8Array): string {
  let s = '';
  for (const b of label) {
    if (b === DOT || b === BACKSLASH) s += `\\${String.fromCharCode(b)}`;
    else if (b > 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += `\\${String(b).padStart(3, '0')}`;
  }
  return s;
}

/** Presentation form of a name, always absolute ("www.example.com.", or "." for the root). */
export function labelsToName(labels: readonly Uint8Array[]): string {
  if (labels.length === 0) return ROOT_NAME;
  let s = '';
  for (const l of labels) s += `${labelText(l)}.`;
  return s;
}

/** The one presentation form of a name (escapes normalised, trailing dot), or null if it is not a valid name. */
export function canonicalName(text: string): string | null {
  const r = nameLabels(text);
  return r.ok ? labelsToName(r.labels) : null;
}

/** Lookup key: the canonical name with ASCII letters lower-cased (escapes are digits and stay as they are). */
export function nameKey(canonical: string): string {
  return canonical.toLowerCase();
}

/**
 * A name from a zone file's point of view (RFC 1035 §5.1): "@" is the origin, a name ending in a dot
 * is absolute, any other is relative to the origin. Returns the canonical absolute name.
 */
export function absoluteName(text: string, origin: string): NameResult & { name?: string } {
  let full: string;
  if (text === '@') full = origin;
  else if (endsWithUnescapedDot(text)) full = text;
  else full = origin === ROOT_NAME ? `${text}.` : `${text}.${origin}`;
  const r = nameLabels(full);
  return r.ok ? { ...r, name: labelsToName(r.labels) } : r;
}

/** True when the last character is a dot that no backslash escapes (an absolute name). */
function endsWithUnescapedDot(text: string): boolean {
  if (!text.endsWith('.')) return false;
  let backslashes = 0;
  for (let i = text.length - 2; i >= 0 && text.charCodeAt(i) === BACKSLASH; i--) backslashes++;
  return backslashes % 2 === 0;
}

/** The labels of a canonical name as lower-cased presentation strings, root last omitted ("www.a.b." → [www, a, b]). */
export function labelKeys(canonical: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < canonical.length; i++) {
    const c = canonical.charCodeAt(i);
    if (c === BACKSLASH) {
      i++; // the escaped character (or the first digit of \DDD, which is never a dot)
      continue;
    }
    if (c === DOT) {
      if (i > start) out.push(canonical.slice(start, i).toLowerCase());
      start = i + 1;
    }
  }
  return out;
}

/** Whether `name` is `ancestor` or below it (both canonical), label by label. */
export function isSubdomain(name: string, ancestor: string): boolean {
  const n = labelKeys(name);
  const a = labelKeys(ancestor);
  if (a.length > n.length) return false;
  for (let i = 1; i <= a.length; i++) if (n[n.length - i] !== a[a.length - i]) return false;
  return true;
}

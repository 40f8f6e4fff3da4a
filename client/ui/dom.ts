// A tiny helper for the HTML overlay (menus, panels, forms). HTML carries the text-heavy parts of
// the game: it is crisp at any projector resolution, takes Korean input through the IME, and is
// reachable by keyboard and screen readers; Phaser draws the network itself.

type Child = Node | string | null | undefined | false;

export interface Attrs {
  class?: string;
  id?: string;
  text?: string;
  title?: string;
  type?: string;
  role?: string;
  disabled?: boolean;
  /** data-* attributes (tests and styling find elements by them). */
  data?: Record<string, string | number>;
  aria?: Record<string, string>;
  style?: string;
  on?: Partial<{ [K in keyof HTMLElementEventMap]: (ev: HTMLElementEventMap[K]) => void }>;
  [attr: string]: unknown;
}

const SPECIAL = new Set(['class', 'id', 'text', 'data', 'aria', 'on', 'style', 'disabled']);

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs.class !== undefined) el.className = attrs.class;
  if (attrs.id !== undefined) el.id = attrs.id;
  if (attrs.text !== undefined) el.textContent = attrs.text;
  if (attrs.style !== undefined) el.setAttribute('style', attrs.style);
  if (attrs.disabled === true) el.setAttribute('disabled', '');
  for (const [k, v] of Object.entries(attrs.data ?? {})) el.dataset[k] = String(v);
  for (const [k, v] of Object.entries(attrs.aria ?? {})) el.setAttribute(`aria-${k}`, v);
  for (const [k, v] of Object.entries(attrs.on ?? {})) el.addEventListener(k, v as EventListener);
  for (const [k, v] of Object.entries(attrs)) {
    if (SPECIAL.has(k) || v === undefined || v === null || v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c);
  }
  return el;
}

/** Replace an element's children. */
export function setChildren(el: Element, ...children: Child[]): void {
  el.replaceChildren(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
}

/** Set text only when it changed (panels refresh several times a second). */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

export function uiRoot(): HTMLElement {
  return document.getElementById('ui')!;
}

/** Offer a file to save (reports). */
export function download(name: string, type: string, body: string): void {
  const url = URL.createObjectURL(new Blob([body], { type }));
  const a = h('a', { href: url, download: name, style: 'display:none' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

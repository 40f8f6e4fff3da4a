// Brief messages: a refused command, a copied code, a lost connection.

import { h, uiRoot } from './dom.ts';

let area: HTMLElement | null = null;

export function toast(text: string, tone: 'info' | 'bad' | 'good' = 'info', ms = 3200): void {
  if (area === null || !area.isConnected) {
    area = h('div', { class: 'toasts', role: 'status' });
    uiRoot().append(area);
  }
  const el = h('div', { class: `toast toast-${tone}`, text });
  area.append(el);
  while (area.children.length > 4) area.firstElementChild?.remove();
  setTimeout(() => el.remove(), ms);
}

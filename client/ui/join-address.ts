// Where students open the game, shown beside the join code in the host's lobby and dashboard: a
// teacher whose page is on localhost would otherwise have no address to write on the board.

import { t } from '../i18n/index.ts';
import { fetchStudentAddresses } from '../net/connection.ts';
import { h, setText } from './dom.ts';

export interface JoinAddressLine {
  readonly el: HTMLElement;
  /** Streamer mode hides it with the code. */
  setHidden(hidden: boolean): void;
}

// Asked once per page: the lobby is drawn again whenever someone joins.
let known: string[] | null = null;
let asking: Promise<string[]> | null = null;

export function joinAddressLine(hidden: boolean): JoinAddressLine {
  const el = h('div', { class: 'join-address', data: { testid: 'join-address' } });
  let isHidden = hidden;
  const render = () => {
    const urls = known ?? [];
    setText(el, urls.length === 0 ? '' : isHidden ? t('join.openAtHidden') : t('join.openAt', { urls: urls.join('  ·  ') }));
    el.hidden = urls.length === 0;
  };
  render();
  if (known === null) {
    asking ??= fetchStudentAddresses().then((found) => (known = found));
    void asking.then(render);
  }
  return {
    el,
    setHidden: (next) => {
      isHidden = next;
      render();
    },
  };
}

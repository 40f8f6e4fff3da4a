// A button that fetches a file for the host (the session's report, a replay of the run) and offers
// it to save, or says in a toast that there is none yet.

import { t, type MessageKey } from '../i18n/index.ts';
import type { HostControls } from '../model/source.ts';
import { download, h } from './dom.ts';
import { toast } from './toast.ts';

type HostFile = 'report' | 'replay';

const LABELS: Record<HostFile, { text: MessageKey; title: MessageKey | null; missing: MessageKey }> = {
  report: { text: 'host.report', title: null, missing: 'host.noReport' },
  replay: { text: 'host.replay', title: 'host.replayTitle', missing: 'host.noReplay' },
};

export function hostFileButton(host: HostControls, file: HostFile, testid: string): HTMLButtonElement {
  const l = LABELS[file];
  return h('button', {
    class: 'btn',
    data: { testid },
    text: t(l.text),
    title: l.title === null ? undefined : t(l.title),
    on: {
      click: async () => {
        const r = await (file === 'report' ? host.report() : host.replay());
        if (r === null) toast(t(l.missing), 'bad');
        else download(r.name, r.type, r.body);
      },
    },
  });
}

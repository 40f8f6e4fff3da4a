/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Where the game server is (http(s) URL); by default the page's own origin. */
  readonly VITE_SERVER_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}

// Svelte compiler options for the Comanda UI (TypeScript in <script lang="ts"> is native in Svelte 5).
export default {
  compilerOptions: { runes: true },
};

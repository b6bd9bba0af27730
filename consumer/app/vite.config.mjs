// `vite build`: the page's script as a library bundle (everything it imports inlined), failing on
// the warning Vite gives when a module imports a Node built-in it replaces with an empty stub.
import { defineConfig } from 'vite';

const entry = process.env.CONSUMER_ENTRY ?? 'src/browser.ts';

export default defineConfig({
  logLevel: 'warn',
  define: { 'process.env.NODE_ENV': '"production"' },
  build: {
    outDir: process.env.CONSUMER_OUT ?? 'bundle/vite',
    emptyOutDir: true,
    target: 'es2022',
    lib: { entry, formats: ['es'], fileName: 'browser' },
    rollupOptions: {
      onwarn(warning, warn) {
        if (warning.message.includes('externalized for browser compatibility')) throw new Error(warning.message);
        warn(warning);
      },
    },
  },
});

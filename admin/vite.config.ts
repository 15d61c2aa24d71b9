import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built into admin/dist and served by the Parkpass server at /admin (same
// origin as /graphql, so no CORS). Hashed file names under assets/ are cached
// for good; index.html is not cached (server/pages/admin-ui.ts).
export default defineConfig({
  base: '/admin/',
  plugins: [react()],
  // Each page is a chunk of its own (src/App.tsx); the libraries are split from the app's code so that neither nears the warning.
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 900,
    rollupOptions: {
      output: {
        manualChunks: {
          react: ['react', 'react-dom', 'react-router'],
          mantine: ['@mantine/core', '@mantine/hooks', '@mantine/notifications'],
          intl: ['react-intl'],
          graphql: ['urql', 'graphql'],
        },
      },
    },
  },
  // `npm run dev -w admin`: Vite's dev server, GraphQL and the session cookie's /session proxied to a running `npm start`.
  server: {
    proxy: {
      '/graphql': process.env.PARKPASS_API ?? 'http://localhost:4000',
      '/session': process.env.PARKPASS_API ?? 'http://localhost:4000',
    },
  },
});

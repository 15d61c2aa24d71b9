import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built into admin/dist and served by the Parkpass server at /admin (same
// origin as /graphql, so no CORS). Hashed file names under assets/ are cached
// for good; index.html is not cached (server/pages/admin-ui.ts).
export default defineConfig({
  base: '/admin/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 900 },
  // `npm run dev -w admin`: Vite's dev server, GraphQL proxied to a running `npm start`.
  server: { proxy: { '/graphql': process.env.PARKPASS_API ?? 'http://localhost:4000' } },
});

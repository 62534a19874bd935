/**
 * The dashboard build. Output goes to web/dist (git-ignored), served by the api role at `/`
 * (server/routes/dashboard.ts). In `vite dev`, /v1 is proxied to the API on API_PORT.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Hashed file names under assets/ are what the server caches as immutable.
    assetsDir: 'assets',
    reportCompressedSize: false,
  },
  server: {
    proxy: { '/v1': `http://127.0.0.1:${process.env.API_PORT ?? 8080}` },
  },
});

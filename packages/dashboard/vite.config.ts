import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The server serves dist/ at `/`; hashed files under /assets/ are cached for a year.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Pages load on demand; the initial bundle stays small (budget: 400 KB gzipped).
    chunkSizeWarningLimit: 900,
    sourcemap: false,
  },
  server: {
    // `npm run dev -w @comeback/dashboard` next to `npm start`: the API is proxied.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
